import { describe, expect, it } from 'vitest';
import { whepLayersUrl } from './whep-quality-control.ts';

describe('whepLayersUrl', () => {
  it('appends /layers to the WHEP endpoint, resolved against the page, without its query', () => {
    expect(whepLayersUrl('/whep/ch', 'http://127.0.0.1:8080/watch/ch')).toBe('http://127.0.0.1:8080/whep/ch/layers');
    expect(whepLayersUrl('/whep/ch/?layer=480p', 'https://glint.example/watch/ch')).toBe(
      'https://glint.example/whep/ch/layers',
    );
    expect(whepLayersUrl('https://media.example/whep/ch', 'https://glint.example/')).toBe(
      'https://media.example/whep/ch/layers',
    );
  });
});
