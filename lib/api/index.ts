// The Bitbucket REST readers, by deployment; the shared authorized GET sits underneath both.
export { apiError, type APIContext, type Authorizer } from './authorized-get';
export { fetchCloudProfile, fetchEmails, type CloudProfileSources, type EmailsResult } from './cloud';
export { fetchDataCenterProfile, type DataCenterProfileSources } from './datacenter';
