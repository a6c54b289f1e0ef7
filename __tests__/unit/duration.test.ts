/** parseDuration (src/duration.ts): the h/m/s durations of the lifetime and time-limit inputs. */
import { parseDuration } from '../../src/duration.js';

describe('parseDuration', () => {
  it('reads h/m/s combinations', () => {
    expect(parseDuration('1h30m15s')).toBe(5415);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
  });
});
