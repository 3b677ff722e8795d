import { strict as assert } from 'node:assert';
import { chooseLang } from '../../packages/core/src/index.js';

describe('core i18n: chooseLang', () => {
  it('takes the chosen language when it is one we speak', () => {
    assert.equal(chooseLang('ja', 'en-US'), 'ja');
    assert.equal(chooseLang('en', 'ja-JP'), 'en');
  });
  it('falls back to the locale, in any spelling, then to English', () => {
    assert.equal(chooseLang(undefined, 'ja'), 'ja');
    assert.equal(chooseLang('', 'ja_JP.UTF-8'), 'ja');
    assert.equal(chooseLang('fr', 'JA-jp'), 'ja');
    assert.equal(chooseLang(undefined, 'de-DE'), 'en');
    assert.equal(chooseLang(undefined, undefined), 'en');
  });
});
