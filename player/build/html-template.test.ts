import { describe, expect, it } from 'vitest';
import { escapeHtml, fillTemplate } from './html-template.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
    expect(escapeHtml('demo_1-2')).toBe('demo_1-2');
  });
});

describe('fillTemplate', () => {
  it('fills every {{name}}, escaped, as often as it occurs', () => {
    expect(
      fillTemplate('<title>{{channel}}</title><b data-x="{{channel}}">{{src}}</b>', { channel: 'a"b', src: '/s' }),
    ).toBe('<title>a&#34;b</title><b data-x="a&#34;b">/s</b>');
  });

  it('refuses a template that needs a value it was not given', () => {
    expect(() => fillTemplate('{{channel}} {{whepUrl}}', { channel: 'x' })).toThrow('{{whepUrl}}');
  });
});
