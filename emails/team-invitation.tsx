import { Button, Link, Section, Text } from "react-email";
import { EmailLayout, buttonStyle, paragraph, reclaimBrand } from "./_components/email-layout";

export type TeamInvitationEmailProps = {
  url: string;
  workspaceName: string;
  inviterName: string;
  role: string;
  expiresInDays: number;
};

export default function TeamInvitationEmail({ url, workspaceName, inviterName, role, expiresInDays }: TeamInvitationEmailProps) {
  return (
    <EmailLayout brand={reclaimBrand} preview={`${inviterName} invited you to ${workspaceName} on Reclaim`}>
      <Text style={paragraph}>
        {inviterName} invited you to join <strong>{workspaceName}</strong> on Reclaim as {role === "admin" ? "an" : "a"}{" "}
        {role}.
      </Text>
      <Section style={{ margin: "8px 0 24px" }}>
        <Button href={url} style={buttonStyle(reclaimBrand)}>
          Accept the invitation
        </Button>
      </Section>
      <Text style={paragraph}>The invitation expires in {expiresInDays} days. The address of the button:</Text>
      <Text style={{ ...paragraph, fontSize: 13, wordBreak: "break-all" }}>
        <Link href={url}>{url}</Link>
      </Text>
    </EmailLayout>
  );
}

TeamInvitationEmail.PreviewProps = {
  url: "http://localhost:3000/invite/example-token",
  workspaceName: "Acme Analytics",
  inviterName: "Ada Lovelace",
  role: "finance",
  expiresInDays: 7,
} satisfies TeamInvitationEmailProps;
