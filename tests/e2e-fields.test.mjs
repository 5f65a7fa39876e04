// The answer box in headless Chromium, question by question: the browser is told what each
// answer is (autocomplete token, on-screen keyboard), so autofill offers the visitor's name
// and email and a phone shows the right keyboard, while free-text questions get no autofill.
// The mapping itself is declared once per question kind in widget/src/conversation/model.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostPage, say } from './helpers/browser.mjs';
import { e2eStack, openPage } from './helpers/e2e.mjs';

let stack;
let w;
let site;
let browser;

before(async () => {
  stack = await e2eStack({ provider: null, site: (w) => ({ '/': () => ({ body: hostPage(w.url, 'fields-spa') }) }) });
  ({ w, site, browser } = stack);
  await w.createClient({
    slug: 'fields-spa',
    name: 'Seaside Day Spa',
    allowedOrigins: [site.origin],
    bookingMode: 'external',
    externalBookingProviderName: 'Calendly',
    externalBookingUrl: 'https://provider.example/book',
    services: ['Massage', 'Facial'],
  });
});

after(() => stack?.close());

/** The answer box's attributes and its label, as the page has them now. */
const answerBox = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-handoff-widget]').shadowRoot;
    const input = root.querySelector('input.hw-input');
    const attr = (name) => input.getAttribute(name);
    return {
      label: root.querySelector(`label[for="${input.id}"]`)?.textContent,
      placeholder: attr('placeholder'),
      type: attr('type'),
      autocomplete: attr('autocomplete'),
      inputmode: attr('inputmode'),
      invalid: attr('aria-invalid'),
    };
  });

const FREE_TEXT = { type: 'text', autocomplete: 'off', inputmode: 'text' };

test('each question tells the browser what its answer is', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${site.origin}/`);
  await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();

  // Answered in order: the greeting (a time but no service), then each open question.
  const steps = [
    ['greeting', "I'd like an appointment tomorrow at 3pm", FREE_TEXT],
    ['service', 'Massage', FREE_TEXT],
    ['name', 'Ada Lovelace', { type: 'text', autocomplete: 'name', inputmode: 'text' }],
    // Email or phone: autofill offers the saved email, the keyboard has @ and digits.
    ['contact', 'ada@example.com', { type: 'text', autocomplete: 'email', inputmode: 'email' }],
    ['notes', 'First visit', FREE_TEXT],
  ];
  for (const [question, answer, expected] of steps) {
    const box = await answerBox(page);
    assert.deepEqual(
      { type: box.type, autocomplete: box.autocomplete, inputmode: box.inputmode },
      expected,
      `the ${question} question`,
    );
    assert.ok(box.label, `the ${question} question's box is labelled`);
    assert.equal(box.placeholder, box.label, `the ${question} question's placeholder names what is asked`);
    await say(page, answer);
  }
  await page.locator('.hw-summary').waitFor();
  assert.equal(await page.locator('input.hw-input').isVisible(), false, 'no answer box at the summary');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a rejected answer is asked again with the same hints, marked invalid', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${site.origin}/`);
  await page.locator('button.hw-launcher').click();
  await page.locator('input.hw-input').waitFor();
  await say(page, 'Can I book a massage Friday afternoon?');
  await say(page, 'Ada Lovelace');
  await say(page, '12');
  const box = await answerBox(page);
  assert.deepEqual(
    { autocomplete: box.autocomplete, inputmode: box.inputmode, invalid: box.invalid },
    { autocomplete: 'email', inputmode: 'email', invalid: 'true' },
  );
  await say(page, '(555) 123-4567');
  const notes = await answerBox(page);
  assert.deepEqual(
    { autocomplete: notes.autocomplete, inputmode: notes.inputmode, invalid: notes.invalid },
    { autocomplete: 'off', inputmode: 'text', invalid: null },
  );
  await page.close();
  assert.deepEqual(errors, []);
});
