/**
 * What a chat service would refuse in a webhook body, as a list of problems (empty: accepted). The
 * checks follow Slack's Block Kit reference (block types, text objects, field and length limits) and
 * the Adaptive Card schema as Teams takes it; they are the parts a real service rejects, not all of it.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpUrl = (v: unknown): boolean => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);

function textObject(v: unknown, where: string, type: 'plain_text' | 'mrkdwn' | 'any', max: number, out: string[]): void {
  if (!isObj(v) || (v.type !== 'plain_text' && v.type !== 'mrkdwn')) return void out.push(`${where}: not a text object`);
  if (type !== 'any' && v.type !== type) out.push(`${where}: must be ${type}`);
  if (typeof v.text !== 'string' || v.text === '' || v.text.length > max) out.push(`${where}: text must be 1..${max} characters`);
}

function slackBlock(b: unknown, i: number, out: string[]): void {
  const at = `blocks[${i}]`;
  if (!isObj(b)) return void out.push(`${at}: not an object`);
  if (b.type === 'header') return textObject(b.text, `${at}.text`, 'plain_text', 150, out);
  if (b.type === 'section') {
    if (b.text === undefined && b.fields === undefined) out.push(`${at}: needs text or fields`);
    if (b.text !== undefined) textObject(b.text, `${at}.text`, 'any', 3000, out);
    if (b.fields !== undefined) {
      if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) out.push(`${at}.fields: 1..10 items`);
      else b.fields.forEach((f, j) => textObject(f, `${at}.fields[${j}]`, 'any', 2000, out));
    }
    return;
  }
  if (b.type === 'context') {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return void out.push(`${at}.elements: 1..10 items`);
    return b.elements.forEach((e, j) => textObject(e, `${at}.elements[${j}]`, 'any', 3000, out));
  }
  if (b.type === 'actions') {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return void out.push(`${at}.elements: 1..25 items`);
    return b.elements.forEach((e, j) => {
      if (!isObj(e) || e.type !== 'button') return void out.push(`${at}.elements[${j}]: only buttons are checked`);
      textObject(e.text, `${at}.elements[${j}].text`, 'plain_text', 75, out);
      if (e.url !== undefined && !isHttpUrl(e.url)) out.push(`${at}.elements[${j}].url: not an http(s) URL`);
    });
  }
  if (b.type !== 'divider') out.push(`${at}: unknown block type ${String(b.type)}`);
}

/** Problems Slack would report for this incoming-webhook body (JSON text). */
export function slackMessageProblems(body: string): string[] {
  const out: string[] = [];
  let m: unknown;
  try {
    m = JSON.parse(body);
  } catch {
    return ['not JSON'];
  }
  if (!isObj(m)) return ['not an object'];
  if (typeof m.text !== 'string' && m.blocks === undefined) out.push('needs text or blocks');
  if (!Array.isArray(m.blocks) || m.blocks.length === 0 || m.blocks.length > 50) return [...out, 'blocks: 1..50 items'];
  m.blocks.forEach((b, i) => slackBlock(b, i, out));
  return out;
}

/** Problems Teams would report for this incoming-webhook body (JSON text): one Adaptive Card attachment. */
export function teamsMessageProblems(body: string): string[] {
  let m: unknown;
  try {
    m = JSON.parse(body);
  } catch {
    return ['not JSON'];
  }
  if (!isObj(m) || m.type !== 'message' || !Array.isArray(m.attachments) || m.attachments.length !== 1) return ['must be a message with one attachment'];
  const a = m.attachments[0];
  if (!isObj(a) || a.contentType !== 'application/vnd.microsoft.card.adaptive' || !isObj(a.content)) return ['attachment must be an Adaptive Card'];
  const card = a.content;
  const out: string[] = [];
  if (card.type !== 'AdaptiveCard' || typeof card.version !== 'string') out.push('content: type AdaptiveCard with a version');
  if (!Array.isArray(card.body) || card.body.length === 0) return [...out, 'body: at least one element'];
  card.body.forEach((e, i) => {
    if (!isObj(e)) return void out.push(`body[${i}]: not an object`);
    if (e.type === 'TextBlock' && (typeof e.text !== 'string' || e.text === '')) out.push(`body[${i}]: TextBlock needs text`);
    else if (e.type === 'FactSet' && (!Array.isArray(e.facts) || !e.facts.every((f) => isObj(f) && typeof f.title === 'string' && typeof f.value === 'string'))) out.push(`body[${i}]: FactSet needs { title, value } facts`);
    else if (e.type === 'RichTextBlock' && (!Array.isArray(e.inlines) || e.inlines.length === 0 || !e.inlines.every((r) => isObj(r) && r.type === 'TextRun' && typeof r.text === 'string'))) out.push(`body[${i}]: RichTextBlock needs TextRun inlines`);
    else if (!['TextBlock', 'FactSet', 'RichTextBlock'].includes(String(e.type))) out.push(`body[${i}]: unchecked element ${String(e.type)}`);
  });
  if (card.actions !== undefined) {
    if (!Array.isArray(card.actions)) out.push('actions: not an array');
    else card.actions.forEach((x, i) => {
      if (!isObj(x) || x.type !== 'Action.OpenUrl' || !isHttpUrl(x.url) || typeof x.title !== 'string') out.push(`actions[${i}]: Action.OpenUrl with a title and an http(s) url`);
    });
  }
  return out;
}
