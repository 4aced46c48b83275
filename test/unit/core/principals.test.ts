import { planAllPrincipals, planPrincipalChanges, planShareChanges } from '../../../functions/core/principals';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const arn = (id: string) => `arn:aws:iam::${id}:root`;

describe('planPrincipalChanges', () => {
  it('adds in-scope accounts and removes out-of-scope ones, touching only the batch', () => {
    const current = new Set([arn(B), arn(C)]);
    const change = planPrincipalChanges(current, new Map([[A, true], [B, false]]));
    expect(change).toEqual({ add: [arn(A)], remove: [arn(B)] });
  });

  it('is empty when every account is already converged (duplicate events cost no call)', () => {
    expect(planPrincipalChanges(new Set([arn(A)]), new Map([[A, true], [B, false]]))).toEqual({ add: [], remove: [] });
  });
});

describe('planAllPrincipals', () => {
  it('makes the allowed principals equal the in-scope accounts, dropping hand-added principals', () => {
    const current = new Set([arn(A), arn(C), '*']);
    expect(planAllPrincipals(current, [A, B])).toEqual({ add: [arn(B)], remove: ['*', arn(C)] });
  });
});

describe('planShareChanges', () => {
  it('associates in-scope accounts missing from the share and disassociates out-of-scope ones', () => {
    const change = planShareChanges(new Set([B]), new Map([[A, true], [B, false], [C, false]]));
    expect(change).toEqual({ associate: [A], disassociate: [B] });
  });
});
