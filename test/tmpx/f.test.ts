import {it,expect} from 'vitest'; it('f',()=>expect(1).toBe(2));
