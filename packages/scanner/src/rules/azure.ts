/**
 * Microsoft Azure: storage account keys and Service Bus / Event Hubs / IoT shared access keys in
 * connection strings, Entra ID (Azure AD) client secrets (`…Q~…`, Microsoft identity platform
 * docs), SAS signatures, Azure DevOps personal access tokens (the 84-char format with the `AZDO`
 * signature and the legacy 52-char base32 form), App Configuration connection strings and Azure
 * OpenAI keys.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenPlaceholders, tokenRule } from './define.js';

/** `AccountKey=<88 base64>` in a storage (or Cosmos DB) connection string. */
export const azureStorageAccountKey: Rule = {
  id: 'azure-storage-account-key',
  type: 'azure-storage-account-key',
  description: 'Azure storage / Cosmos DB account key in a connection string',
  keywords: ['accountkey'],
  pattern: /AccountKey[ \t]*=[ \t]*(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/i,
  minEntropy: 4.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 120,
};

/** `SharedAccessKey=<44 base64>` of Service Bus, Event Hubs, IoT Hub and Relay. */
export const azureSharedAccessKey: Rule = {
  id: 'azure-shared-access-key',
  type: 'azure-shared-access-key',
  description: 'Azure Service Bus / Event Hubs / IoT Hub shared access key',
  keywords: ['sharedaccesskey'],
  pattern: /SharedAccessKey[ \t]*=[ \t]*(?<secret>[A-Za-z0-9+/]{42,43}=)(?![A-Za-z0-9+/=])/i,
  minEntropy: 4.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 80,
};

/** Entra ID application client secret: 3 chars, a digit, `Q~`, then 31–34 chars. */
export const azureAdClientSecret: Rule = {
  id: 'azure-ad-client-secret',
  type: 'azure-ad-client-secret',
  description: 'Microsoft Entra ID (Azure AD) client secret',
  keywords: ['q~'],
  pattern: /(?<![\w~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])/,
  minEntropy: 3.5,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 48,
};

/** The signature of a shared access signature URL or token (`…&sig=<base64 HMAC-SHA256>`). */
export const azureSasSignature: Rule = {
  id: 'azure-sas-signature',
  type: 'azure-sas-signature',
  description: 'Azure shared access signature (sig= of a SAS URL or Power Automate / Teams workflow URL)',
  keywords: ['sig='],
  pattern: /[?&;]sig=(?<secret>(?:[A-Za-z0-9+/_-]|%2[BbFf]){40,100}(?:%3[Dd]|=)?)(?![A-Za-z0-9+/_%=-])/,
  minEntropy: 4.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 120,
};

/** Azure DevOps PAT of the 84-char format: 76 chars, `AZDO`, 4 chars. */
export const azureDevopsPat: Rule = tokenRule({
  id: 'azure-devops-pat',
  description: 'Azure DevOps personal access token (84-char format)',
  prefix: [],
  body: '[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}',
  maxLength: 84,
  keywords: ['azdo'],
  minEntropy: 4.0,
});

/** Legacy Azure DevOps PAT: 52 lower-case base32 chars under a DevOps-named key. */
export const azureDevopsPatLegacy: Rule = namedRule({
  id: 'azure-devops-pat-legacy',
  type: 'azure-devops-pat',
  description: 'Azure DevOps personal access token (legacy 52-char) under an Azure DevOps name',
  names: 'azure[_-]?devops|ado[_-]?(?:pat|token)|vsts|system[_-]?accesstoken',
  keywords: ['devops', 'ado_', 'ado-', 'adopat', 'adotoken', 'vsts', 'accesstoken'],
  value: '[a-z2-7]{52}',
  valueMax: 52,
  minEntropy: 3.5,
});

/** The secret of an App Configuration connection string (`Endpoint=https://x.azconfig.io;Id=…;Secret=…`). */
export const azureAppConfigSecret: Rule = {
  id: 'azure-app-configuration-secret',
  type: 'azure-app-configuration-secret',
  description: 'Azure App Configuration connection string secret',
  keywords: ['azconfig.io'],
  pattern: /\.azconfig\.io;Id=[^;\s"']{1,64};Secret=(?<secret>[A-Za-z0-9+/]{40,64}={0,2})(?![A-Za-z0-9+/=])/,
  minEntropy: 4.0,
  allow: tokenPlaceholders,
  confidence: 'high',
  reach: 200,
};

/** Azure OpenAI / Cognitive Services key: 32 hex under a name that says so. */
export const azureOpenaiKey: Rule = namedRule({
  id: 'azure-openai-api-key',
  description: 'Azure OpenAI / Cognitive Services key under an Azure OpenAI or cognitive-services name',
  names: 'azure[_-]?openai|aoai|cognitive[_-]?services?|ocp[_-]?apim[_-]?subscription',
  keywords: ['openai', 'aoai', 'cognitive', 'apim'],
  value: '[0-9a-fA-F]{32}',
  valueMax: 32,
});

/** The Azure family. */
export const azureRules: readonly Rule[] = [
  azureStorageAccountKey,
  azureSharedAccessKey,
  azureAdClientSecret,
  azureSasSignature,
  azureDevopsPat,
  azureDevopsPatLegacy,
  azureAppConfigSecret,
  azureOpenaiKey,
];
