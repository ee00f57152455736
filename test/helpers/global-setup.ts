// Jest global setup: functions are tested as built bundles (what ships), so build them first.
import { buildCloudFunctions } from '../../scripts/build-cloud';

export default async function globalSetup(): Promise<void> {
  await buildCloudFunctions();
}
