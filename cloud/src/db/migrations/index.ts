import type { Migration } from '../migrate';
import { migration as systemHeartbeats } from './0001-system-heartbeats';
import { migration as tenancy } from './0002-tenancy';
import { migration as referenceData } from './0003-reference-data';
import { migration as plannerWriter } from './0004-planner-writer';
import { migration as creditLedger } from './0005-credit-ledger';
import { migration as aiRuns } from './0006-ai-runs';
import { migration as aiSettings } from './0007-ai-settings';
import { migration as aiWriter } from './0008-ai-writer';
import { migration as integration } from './0009-integration';
import { migration as bridgeAuthorsTerms } from './0010-bridge-authors-terms';
import { migration as structuredOutput } from './0011-structured-output';
import { migration as keywordQuota } from './0012-keyword-quota';
import { migration as ledgerKeepsReferences } from './0013-ledger-keeps-references';
import { migration as tokenPrices } from './0016-token-prices';
import { migration as eventRetention } from './0017-event-retention';
import { migration as scheduler } from './0018-scheduler';
import { migration as storedFiles } from './0019-stored-files';
import { migration as domainEvents } from './0020-domain-events';
import { migration as signedSiteKeys } from './0021-signed-site-keys';
import { migration as keywordImportReading } from './0022-keyword-import-reading';
import { migration as aiFunctionModels } from './0023-ai-function-models';
import { migration as sectionPrice } from './0024-section-price';
import { migration as linker } from './0025-linker';
import { migration as optimizer } from './0026-optimizer';
import { migration as sitePostProduct } from './0027-site-post-product';
import { migration as linkerRebuild } from './0028-linker-rebuild';
import { migration as automation } from './0029-automation';
import { migration as siteBuilder } from './0030-site-builder';
import { migration as pageCopyPrice } from './0031-page-copy-price';
import { migration as invites } from './0032-invites';
import { migration as auditLog } from './0033-audit-log';
import { migration as siteCreditCaps } from './0034-site-credit-caps';
import { migration as siteHealth } from './0035-site-health';

/** Every migration, in order. Listed explicitly so builds and sources agree. */
export const MIGRATIONS: Migration[] = [
	systemHeartbeats,
	tenancy,
	referenceData,
	plannerWriter,
	creditLedger,
	aiRuns,
	aiSettings,
	aiWriter,
	integration,
	bridgeAuthorsTerms,
	structuredOutput,
	keywordQuota,
	ledgerKeepsReferences,
	tokenPrices,
	eventRetention,
	scheduler,
	storedFiles,
	domainEvents,
	signedSiteKeys,
	keywordImportReading,
	aiFunctionModels,
	sectionPrice,
	linker,
	optimizer,
	sitePostProduct,
	linkerRebuild,
	automation,
	siteBuilder,
	pageCopyPrice,
	invites,
	auditLog,
	siteCreditCaps,
	siteHealth,
];
