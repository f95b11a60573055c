/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: the text a person sees (innerText leaves hidden text out) is the point here
// Functions that run inside the IdP's page (page.evaluate serialises them): each must be
// self-contained — no imports, no outer variables, only its argument.

/** The attribute the form finder marks the controls it chose with (read back as a locator). */
export const ROLE_ATTRIBUTE = 'data-oidcflow-role';

export type FieldRole = 'username' | 'password' | 'userCode';
export type ButtonRole = 'submit' | 'approve' | 'deny';

export interface FoundControls {
  fields: FieldRole[];
  buttons: ButtonRole[];
  /** The value the user-code field holds already (verification_uri_complete may fill it). */
  userCodeValue?: string;
}

export interface FinderInput {
  attribute: string;
  approve: string;
  deny: string;
  signIn: string;
}

/**
 * Finds what a person would see as the user name, password and user code fields — by type,
 * autocomplete, label text, aria-label, placeholder, name and id — and the buttons to submit,
 * approve or deny; marks each with `attribute`. A password input without `type` is still a
 * password input when its label, name or autocomplete says so.
 */
export function findControlsInPage(input: FinderInput): FoundControls {
  const { attribute } = input;
  for (const marked of Array.from(document.querySelectorAll(`[${attribute}]`)))
    marked.removeAttribute(attribute);
  const isVisible = (element: Element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const words = (element: HTMLInputElement) => {
    const parts = [
      element.name,
      element.id,
      element.getAttribute('autocomplete') ?? '',
      element.placeholder,
      element.getAttribute('aria-label') ?? '',
      element.title,
      ...Array.from(element.labels ?? []).map((label) => label.innerText),
    ];
    for (const id of (element.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean))
      parts.push(document.getElementById(id)?.innerText ?? '');
    return parts.join(' ').replace(/\s+/g, ' ').toLowerCase();
  };
  const TEXT_TYPES = ['text', 'email', 'password', 'tel', 'number', 'search', 'url'];
  const inputs = Array.from(document.querySelectorAll('input')).filter(
    (element) => TEXT_TYPES.includes(element.type) && !element.disabled && isVisible(element),
  );
  const scores = inputs.map((element) => {
    const text = words(element);
    const declared = (element.getAttribute('type') ?? '').toLowerCase();
    const autocomplete = (element.getAttribute('autocomplete') ?? '').toLowerCase();
    const score: Record<FieldRole, number> = { username: 0, password: 0, userCode: 0 };
    if (declared === 'password') score.password += 10;
    if (/current-password|new-password/.test(autocomplete)) score.password += 8;
    if (/pass(word|phrase)?\b|passwd|pwd|kennwort|mot de passe|contrase|senha/.test(text))
      score.password += 6;
    if (/one-time-code/.test(autocomplete)) score.userCode += 8;
    if (/user[\s_-]?code|device[\s_-]?code|\botc\b|\bcode\b/.test(text)) score.userCode += 6;
    if (declared === 'email') score.username += 8;
    if (/\busername\b|\bemail\b/.test(autocomplete)) score.username += 8;
    if (/user|login|e-?mail|account|identifier|sign[\s-]?in|\bname\b|\bid\b/.test(text)) score.username += 4;
    if (score.password > 0 || score.userCode > 0) score.username = Math.min(score.username, 3);
    return { element, score };
  });
  const chosen = new Map<FieldRole, HTMLInputElement>();
  for (const role of ['password', 'userCode', 'username'] as const) {
    let best: { element: HTMLInputElement; value: number } | undefined;
    for (const { element, score } of scores) {
      if ([...chosen.values()].includes(element)) continue;
      // An input belongs to the role it scores highest for.
      const top = Math.max(score.username, score.password, score.userCode);
      if (score[role] < 4 || score[role] < top) continue;
      if (!best || score[role] > best.value) best = { element, value: score[role] };
    }
    if (best) chosen.set(role, best.element);
  }
  for (const [role, element] of chosen) element.setAttribute(attribute, role);

  const normalise = (text: string) => text.replace(/[[\]]/g, ' ').replace(/\s+/g, ' ').trim();
  const labelOf = (element: Element) =>
    normalise(
      (element as HTMLInputElement).value && element.tagName === 'INPUT'
        ? (element as HTMLInputElement).value
        : ((element as HTMLElement).innerText ?? '') || (element.getAttribute('aria-label') ?? ''),
    );
  const clickables = Array.from(
    document.querySelectorAll(
      'button, input[type=submit], input[type=button], input[type=image], a[href], [role=button]',
    ),
  ).filter((element) => isVisible(element) && !(element as HTMLButtonElement).disabled);
  const approve = new RegExp(input.approve, 'i');
  const deny = new RegExp(input.deny, 'i');
  const signIn = new RegExp(input.signIn, 'i');
  const buttons: ButtonRole[] = [];
  const mark = (role: ButtonRole, element: Element | undefined) => {
    if (!element || element.hasAttribute(attribute)) return;
    element.setAttribute(attribute, role);
    buttons.push(role);
  };
  const field = chosen.get('password') ?? chosen.get('userCode') ?? chosen.get('username');
  if (field) {
    // The submit control of the field's own form (form.elements includes buttons outside it
    // that name it with form="…"): one that reads like "sign in" first, then any submit button.
    const isSubmit = (element: Element) =>
      (element.tagName === 'BUTTON' && ['submit', ''].includes(element.getAttribute('type') ?? '')) ||
      (element.tagName === 'INPUT' && ['submit', 'image'].includes((element as HTMLInputElement).type));
    const candidates = field.form
      ? Array.from(field.form.elements)
      : Array.from(document.querySelectorAll('button, input[type=submit], input[type=image]'));
    const submits = candidates.filter(
      (element) => isSubmit(element) && isVisible(element) && !deny.test(labelOf(element)),
    );
    mark('submit', submits.find((element) => signIn.test(labelOf(element))) ?? submits[0]);
  } else {
    mark(
      'approve',
      clickables.find((element) => approve.test(labelOf(element))),
    );
    mark(
      'deny',
      clickables.find((element) => deny.test(labelOf(element))),
    );
  }
  const userCode = chosen.get('userCode');
  return {
    fields: [...chosen.keys()],
    buttons,
    ...(userCode ? { userCodeValue: userCode.value } : {}),
  };
}

/** The visible text of the first selector that matches something visible, else the body's. */
export function visibleTextInPage(selectors: string[]): string {
  const isVisible = (element: Element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  for (const selector of selectors) {
    const texts: string[] = [];
    for (const element of Array.from(document.querySelectorAll(selector))) {
      if (element.closest('script, style, noscript') || !isVisible(element)) continue;
      const value = (element as HTMLElement).innerText?.replace(/\s+/g, ' ').trim();
      if (value && !texts.some((seen) => seen.includes(value))) texts.push(value);
    }
    if (texts.length > 0) return `shows: ${texts.join(' | ')}`;
  }
  // The browser's own validation bubble ("Please fill out this field.") is not in the page's text.
  const invalid = Array.from(document.querySelectorAll('input, select, textarea'))
    .map((element) => element as HTMLInputElement)
    .filter((field) => isVisible(field) && field.validity && !field.validity.valid && field.validationMessage)
    .map((field) => `"${field.validationMessage}" at the field ${field.name || field.id || field.type}`);
  if (invalid.length > 0) return `shows: ${invalid.join(' | ')}`;
  const body = document.body?.innerText?.replace(/\s+/g, ' ').trim() ?? '';
  return body ? `shows no error; its text begins: ${body}` : 'shows nothing (an empty page)';
}

/** Empties inputs that hold one of `values` (a password typed into an input without type=password). */
export function blankSecretsInPage(values: string[]): void {
  for (const element of Array.from(document.querySelectorAll('input, textarea'))) {
    const field = element as HTMLInputElement;
    if (values.some((value) => value.length > 0 && field.value.includes(value))) field.value = '';
  }
}
