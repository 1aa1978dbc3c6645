// Child process of test/enclave/prepare.test.ts: uses enclave.prepare() and never calls close(); the process must
// still exit on its own (workers are unref'd while idle).
import { createEnclave } from '../../src/enclave/enclave.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { code, seedBytes, User } from './helpers.js';

const enclave = createEnclave({ keys: NetworkKeys.fromSeeds([seedBytes(7)]), ioScheme: 'aes-256-gcm' });
const user = new User(1, enclave.ioPubkey, 'aes-256-gcm');
const c = code('token');
const msg = user.encrypt(c.codeHash, { transfer: { recipient: user.address, amount: '1' } });
const sigInfo = user.signExecute(new Uint8Array(20), msg);
if (process.argv[2] === 'await') {
  void enclave.prepare([sigInfo]).then((r) => console.log(`prepared ${r.txs} ${r.signatures} ${r.inputs}`));
} else {
  void enclave.prepare([sigInfo]);
  console.log('started');
}
