export {
  CLIENT_CREDENTIALS_FLOW_NAME,
  type ClientCredentialsFlowOptions,
  createClientCredentialsFlow,
  createPlugin,
} from './client-credentials-flow.js';
