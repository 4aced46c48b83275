import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { unacknowledgedFindings } from './support/nag';

// The stack suites run unacknowledgedFindings() on every app variant they synthesize; this proves the
// helper reports a real finding, so their empty results mean something.
describe('cdk-nag AwsSolutions checks', () => {
  it('report an unacknowledged finding', () => {
    const app = new App();
    new s3.Bucket(new Stack(app, 'Probe'), 'Unlogged');
    expect(unacknowledgedFindings(app)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 /)]));
  });
});
