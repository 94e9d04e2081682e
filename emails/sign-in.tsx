import { Button, Link, Section, Text } from "react-email";
import { EmailLayout, buttonStyle, paragraph, reclaimBrand } from "./_components/email-layout";

export type SignInEmailProps = {
  url: string;
  /** Minutes until the link stops working. */
  expiresInMinutes: number;
  host: string;
};

export default function SignInEmail({ url, expiresInMinutes, host }: SignInEmailProps) {
  return (
    <EmailLayout brand={reclaimBrand} preview={`Your sign-in link for ${host}`}>
      <Text style={paragraph}>Use the button below to sign in to Reclaim at {host}.</Text>
      <Section style={{ margin: "8px 0 24px" }}>
        <Button href={url} style={buttonStyle(reclaimBrand)}>
          Sign in to Reclaim
        </Button>
      </Section>
      <Text style={paragraph}>
        The link works once and expires in {expiresInMinutes} minutes. If the button does not work, paste this address
        into your browser:
      </Text>
      <Text style={{ ...paragraph, fontSize: 13, wordBreak: "break-all" }}>
        <Link href={url}>{url}</Link>
      </Text>
      <Text style={{ ...paragraph, color: "#71717a", fontSize: 13 }}>
        If you did not ask to sign in, ignore this email: nobody can sign in without the link.
      </Text>
    </EmailLayout>
  );
}

SignInEmail.PreviewProps = {
  url: "http://localhost:3000/sign-in/verify?token=example&email=ada%40example.com",
  expiresInMinutes: 15,
  host: "localhost:3000",
} satisfies SignInEmailProps;
