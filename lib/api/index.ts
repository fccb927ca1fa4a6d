// The Bitbucket REST readers, by deployment; the shared authorized GET sits underneath both.
export { apiError, type APIContext, type Authorizer } from './authorized-get';
export { fetchCloudProfile, type CloudProfileSources } from './cloud';
export { fetchEmails, type EmailsResult } from './emails';
export { fetchDataCenterProfile, type DataCenterProfileSources } from './datacenter';
