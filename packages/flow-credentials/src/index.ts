export {
  CLIENT_CREDENTIALS_FLOW_NAME,
  type ClientCredentialsFlowOptions,
  createClientCredentialsFlow,
  createPlugin,
} from './client-credentials-flow.js';
export {
  createJwtBearerFlow,
  createJwtBearerPlugin,
  createTokenExchangeFlow,
  createTokenExchangePlugin,
  JWT_BEARER_FLOW_NAME,
  JWT_BEARER_GRANT_TYPE,
  TOKEN_EXCHANGE_FLOW_NAME,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type WorkloadGrantFlowOptions,
} from './workload-grant-flows.js';
