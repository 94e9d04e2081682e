import type { ReactElement } from "react";
import { render, toPlainText } from "@react-email/render";

/**
 * Both parts of an email: the HTML and the plain-text alternative. React renders
 * once; the text is derived from that HTML exactly as `render(element, { plainText: true })`
 * derives it from its own render, at half the CPU (rendering is most of an email's cost).
 */
export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}
