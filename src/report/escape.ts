/** Escaping shared by the output formats: XML (JUnit), GitHub workflow commands, Markdown tables. */

/** XML text and attributes; XML 1.0 cannot carry most control characters, even escaped. */
export const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');

/** The message part of a GitHub workflow command. */
export const githubData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property value of a GitHub workflow command (file=…,title=…). */
export const githubProperty = (s: string) => githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A Markdown table cell. */
export const markdownCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
