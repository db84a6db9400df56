import { describe, expect, it } from 'vitest';
import {
  categoryError,
  languageError,
  moderatorLoginError,
  slowSecondsError,
  titleError,
  webhookUrlError,
} from './dashboard-forms.ts';

describe('dashboard field rules', () => {
  it('refuses an empty, too long, tagged or control-character title, and takes plain text', () => {
    expect(titleError('')).toBe('Enter a title.');
    expect(titleError('   ')).toBe('Enter a title.');
    expect(titleError('x'.repeat(141))).toBe('A title has at most 140 characters.');
    expect(titleError('<script>alert(1)</script>')).toMatch(/cannot hold HTML tags/);
    expect(titleError('hi <img src=x onerror=alert(1)>')).toMatch(/cannot hold HTML tags/);
    expect(titleError('bell\u0007')).toBe('A title cannot hold control characters.');
    expect(titleError('x'.repeat(140))).toBeUndefined();
    expect(titleError('Speedrun <3 & a > b, 🎮 all day')).toBeUndefined();
  });

  it('refuses an empty or tagged category', () => {
    expect(categoryError('')).toBe('Enter a category.');
    expect(categoryError('c'.repeat(51))).toBe('A category has at most 50 characters.');
    expect(categoryError('<b>Games</b>')).toMatch(/HTML tags/);
    expect(categoryError('Just Chatting')).toBeUndefined();
  });

  it('takes BCP 47 languages only', () => {
    expect(languageError('en')).toBeUndefined();
    expect(languageError('pt-BR')).toBeUndefined();
    expect(languageError('')).toBe('Choose a language.');
    expect(languageError('English')).toBe('Choose a language.');
  });

  it('checks a moderator login as the API does', () => {
    expect(moderatorLoginError('')).toMatch(/Enter the login/);
    expect(moderatorLoginError('ab')).toMatch(/3 to 25/);
    expect(moderatorLoginError('<script>')).toMatch(/3 to 25/);
    expect(moderatorLoginError('good_mod')).toBeUndefined();
  });

  it('takes http(s) webhook URLs without credentials', () => {
    expect(webhookUrlError('')).toMatch(/Enter the URL/);
    expect(webhookUrlError('example.com/hook')).toMatch(/whole URL/);
    expect(webhookUrlError('javascript:alert(1)')).toMatch(/https:\/\//);
    expect(webhookUrlError('ftp://example.com/')).toMatch(/https:\/\//);
    expect(webhookUrlError('https://u:p@example.com/')).toMatch(/user name or password/);
    expect(webhookUrlError(`https://example.com/${'a'.repeat(2048)}`)).toMatch(/at most 2048/);
    expect(webhookUrlError('https://example.com/hook')).toBeUndefined();
  });

  it('takes slow mode as 0 or 3 to 120 whole seconds', () => {
    expect(slowSecondsError('0')).toBeUndefined();
    expect(slowSecondsError('3')).toBeUndefined();
    expect(slowSecondsError('120')).toBeUndefined();
    expect(slowSecondsError('2')).toMatch(/0 \(off\) or 3 to 120/);
    expect(slowSecondsError('121')).toMatch(/0 \(off\) or 3 to 120/);
    expect(slowSecondsError('')).toMatch(/whole number/);
    expect(slowSecondsError('1.5')).toMatch(/whole number/);
    expect(slowSecondsError('-5')).toMatch(/whole number/);
  });
});
