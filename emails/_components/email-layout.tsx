import type { ReactNode } from "react";
import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "react-email";

export type EmailBrand = {
  name: string;
  /** Hex colour used for buttons and the header rule. */
  accentColor: string;
  supportEmail?: string;
};

export const reclaimBrand: EmailBrand = { name: "Reclaim", accentColor: "#4f46e5" };

/** Frame shared by every email: preview line, brand header, body, footer. */
export function EmailLayout({ brand, preview, children }: { brand: EmailBrand; preview: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 8, maxWidth: 520, padding: "32px 32px 24px" }}>
          <Section style={{ borderBottom: `3px solid ${brand.accentColor}`, marginBottom: 24, paddingBottom: 12 }}>
            <Text style={{ fontSize: 18, fontWeight: 700, margin: 0, color: "#18181b" }}>{brand.name}</Text>
          </Section>
          {children}
          <Hr style={{ borderColor: "#e4e4e7", margin: "28px 0 12px" }} />
          <Text style={{ color: "#71717a", fontSize: 12, lineHeight: "18px", margin: 0 }}>
            {brand.supportEmail ? `Questions? Write to ${brand.supportEmail}.` : `Sent by ${brand.name}.`}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { color: "#27272a", fontSize: 15, lineHeight: "24px", margin: "0 0 16px" } as const;

export function buttonStyle(brand: EmailBrand) {
  return {
    backgroundColor: brand.accentColor,
    borderRadius: 6,
    color: "#ffffff",
    display: "inline-block",
    fontSize: 15,
    fontWeight: 600,
    padding: "12px 20px",
    textDecoration: "none",
  } as const;
}
