// The test processes run on Node 20 too: the SDK's notice about future releases is not the tests' business.
import '../bin/node-support';
import 'aws-sdk-client-mock-jest';
