import { planAllPrincipals, planPrincipalChanges, planShareChanges } from '../../../functions/core/principals';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const D = '444444444444';
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

describe('principals in another partition', () => {
  it('are the root ARNs of that partition, for a batch and for the whole organization', () => {
    const cn = (id: string) => `arn:aws-cn:iam::${id}:root`;
    expect(planPrincipalChanges(new Set([cn(B)]), new Map([[A, true], [B, false]]), 'aws-cn')).toEqual({ add: [cn(A)], remove: [cn(B)] });
    expect(planAllPrincipals(new Set([arn(A)]), [A], 'aws-cn')).toEqual({ add: [cn(A)], remove: [arn(A)] });
  });
});

describe('planShareChanges', () => {
  it('associates in-scope accounts missing from the share and disassociates out-of-scope ones', () => {
    const change = planShareChanges(new Set([B]), new Map([[A, true], [B, false], [C, false]]));
    expect(change).toEqual({ associate: [A], disassociate: [B] });
  });
});

describe('principal and share changes come out in account order, whatever the order of the decisions', () => {
  it('planPrincipalChanges lists additions and removals sorted by account', () => {
    // Prepare: decisions as a batch of events delivers them, out of order
    const current = new Set([arn(A), arn(B)]);
    const decisions = new Map([[C, true], [B, false], [D, true], [A, false]]);

    // Act
    const change = planPrincipalChanges(current, decisions);

    // Assess
    expect(change).toEqual({ add: [arn(C), arn(D)], remove: [arn(A), arn(B)] });
  });

  it('planAllPrincipals lists the principals to add sorted', () => {
    // Act
    const change = planAllPrincipals(new Set(), [D, C, A]);

    // Assess
    expect(change).toEqual({ add: [arn(A), arn(C), arn(D)], remove: [] });
  });

  it('planShareChanges lists the accounts to associate and disassociate sorted', () => {
    // Prepare
    const decisions = new Map([[D, true], [B, false], [C, true], [A, false]]);

    // Act
    const change = planShareChanges(new Set([A, B]), decisions);

    // Assess
    expect(change).toEqual({ associate: [C, D], disassociate: [A, B] });
  });
});
