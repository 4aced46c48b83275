/**
 * Supported Node.js: 20.19 or later (the machines' Node) and 22 (what Lambda runs, nodejs22.x).
 *
 * On Node 20 the AWS SDK prints a 7-line NodeVersionSupportWarning on every command: SDK releases published after
 * the first week of January 2027 will need Node 22. It is about releases this project does not use: the SDK is
 * pinned in package-lock.json, and moving it past that date goes with moving local Node to 22 (DEVELOPERS.md). So
 * the entry points turn off that one warning with the SDK's own switch, and nothing else: Node's other warnings,
 * and the SDK's, still print. Whoever sets the variable themselves keeps their choice.
 */
const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

const major = Number(process.versions.node.split('.')[0]);
if (major === 20 && process.env[SDK_NODE_WARNING_SWITCH] === undefined) process.env[SDK_NODE_WARNING_SWITCH] = 'true';

export {};
