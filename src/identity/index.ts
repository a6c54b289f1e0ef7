/** Picks the way in: the one place that looks at which kind of authentication the inputs chose. */
import type { Config } from '../config.js';
import type { Http } from '../http.js';
import type { Log } from '../log.js';
import { federationSignIn } from './federation.js';
import type { SignIn } from './identity.js';
import { metadataServerSignIn } from './metadata-server.js';
import { keySignIn } from './service-account-key.js';

export type { Identity, OwnAccessToken, SignIn } from './identity.js';

export function startSignIn(config: Config, env: NodeJS.ProcessEnv, http: Http, log: Log): Promise<SignIn> {
  switch (config.auth.kind) {
    case 'workload_identity':
      return federationSignIn(config, config.auth, env, http, log);
    case 'service_account_key':
      return Promise.resolve(keySignIn(config, config.auth.key, http));
    case 'metadata_server':
      return metadataServerSignIn(config, env, http, log);
  }
}
