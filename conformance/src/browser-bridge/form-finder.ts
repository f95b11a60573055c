import type { Locator, Page } from 'playwright-core';
import {
  type ButtonRole,
  type FieldRole,
  type FoundControls,
  findControlsInPage,
  ROLE_ATTRIBUTE,
} from './in-page.js';

/** What kind of page a person would say this is. */
export type PageKind = 'login' | 'identifier' | 'user-code' | 'consent' | 'none';

// Button texts, compared after brackets and extra spaces are removed ("[ Abort ]" → "Abort");
// a text that starts with one of these words counts ("Allow access", "Authorize my-cli").
const APPROVE =
  '^(allow|accept|approve|authori[sz]e|continue|confirm|yes|grant|submit|agree|i agree|ok|consent)\\b';
const DENY = "^(deny|decline|cancel|no|reject|abort|refuse|not now|don'?t allow)\\b";
const SIGN_IN = '^(sign[ -]?in|log[ -]?in|next|continue|submit|verify|confirm|send|go)$';

export interface PageForm {
  kind: PageKind;
  controls: FoundControls;
  field(role: FieldRole): Locator;
  button(role: ButtonRole): Locator;
}

/**
 * Reads the page as a person would: which fields it asks for (by label, autocomplete, name,
 * id, placeholder, type) and which buttons it offers; says what kind of page that makes.
 */
export async function readPageForm(page: Page): Promise<PageForm> {
  const controls = await page
    .evaluate(findControlsInPage, {
      attribute: ROLE_ATTRIBUTE,
      approve: APPROVE,
      deny: DENY,
      signIn: SIGN_IN,
    })
    .catch((): FoundControls => ({ fields: [], buttons: [] }));
  const has = (role: FieldRole) => controls.fields.includes(role);
  const kind: PageKind = has('password')
    ? 'login'
    : has('userCode')
      ? 'user-code'
      : has('username')
        ? 'identifier'
        : controls.buttons.includes('approve') || controls.buttons.includes('deny')
          ? 'consent'
          : 'none';
  const locate = (role: string) => page.locator(`[${ROLE_ATTRIBUTE}="${role}"]`).first();
  return { kind, controls, field: locate, button: locate };
}
