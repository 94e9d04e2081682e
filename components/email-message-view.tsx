import { extractLinks } from "@/server/queries/outbox";

export type ViewableMessage = { subject: string; from: string; to: string; createdAt: Date; html: string; text: string };

/** An email as its recipient sees it: headers, its links as plain links, the HTML in a sandboxed frame, and the text part. */
export function EmailMessageView({ message, sentAt }: { message: ViewableMessage; sentAt?: Date | null }) {
  const links = extractLinks(message.html);
  return (
    <>
      <h1 className="mt-4 text-xl font-semibold tracking-tight">{message.subject}</h1>
      <dl className="mt-2 grid grid-cols-[4rem_1fr] gap-x-2 gap-y-1 text-sm text-zinc-600">
        <dt>From</dt>
        <dd className="break-all">{message.from}</dd>
        <dt>To</dt>
        <dd className="break-all">{message.to}</dd>
        <dt>Sent</dt>
        <dd>{(sentAt ?? message.createdAt).toISOString()}</dd>
      </dl>
      {links.length > 0 ? (
        <section className="mt-4 rounded-md border border-zinc-200 bg-white p-3" aria-labelledby="links-heading">
          <h2 id="links-heading" className="text-sm font-medium text-zinc-900">
            Links in this email
          </h2>
          <ul className="mt-1 space-y-1 text-sm">
            {links.map((href) => (
              <li key={href} className="break-all">
                <a href={href} className="text-brand-700 underline">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2 className="mt-6 text-sm font-medium text-zinc-900">As the recipient sees it</h2>
      {/* Sandboxed: the email's HTML runs no script and cannot touch this page. */}
      <iframe
        title={`Email: ${message.subject}`}
        srcDoc={message.html}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        className="mt-2 h-[640px] w-full rounded-xl border border-zinc-200 bg-white"
      />
      <details className="mt-4 rounded-md border border-zinc-200 bg-white p-3">
        <summary className="cursor-pointer text-sm font-medium">Plain-text part</summary>
        <pre className="mt-2 whitespace-pre-wrap break-words text-sm text-zinc-700">{message.text}</pre>
      </details>
    </>
  );
}
