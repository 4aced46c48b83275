/**
 * A noisy spoke: one account flipping the proxy tag on and off across its VPCs as fast as EC2 lets it (its own
 * mutating-call bucket, retried by the SDK when throttled). Every flip is a Tag Change event the hub must handle.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { tagVpc, untagVpc } from '../../local/demo/tenant';

export interface TagFlood {
  /** Flips made so far. */
  flips(): number;
  /** Resolves once every flip is made (or the flood was stopped). */
  readonly done: Promise<void>;
  stop(): void;
}

export function startTagFlood(ec2: EC2Client, vpcIds: readonly string[], totalFlips: number, tag: { key: string; value: string }): TagFlood {
  let made = 0;
  let stopped = false;
  const tagged = new Set<string>();
  const done = (async () => {
    while (made < totalFlips && !stopped) {
      const vpcId = vpcIds[made % vpcIds.length] as string;
      if (tagged.has(vpcId)) {
        await untagVpc(ec2, vpcId, tag.key);
        tagged.delete(vpcId);
      } else {
        await tagVpc(ec2, vpcId, tag.key, tag.value);
        tagged.add(vpcId);
      }
      made += 1;
    }
  })();
  return {
    flips: () => made,
    done,
    stop: () => {
      stopped = true;
    },
  };
}
