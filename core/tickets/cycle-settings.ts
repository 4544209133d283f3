// The residents' side settings the ticket actions need (from config, once): the points table and when a rating
// publishes the outcome card by itself.

import type { Config } from "../infra/config.js";
import { DEFAULT_POINTS, type PointsTable } from "../points/award-points.js";

/** Settings of the residents' side of the cycle. */
export interface CycleSettings {
  points: PointsTable;
  /** A rating at or above this publishes the outcome card automatically; 0 = never. */
  autoPublishMinRating: number;
}

/** The defaults (.env.example). */
export const DEFAULT_CYCLE_SETTINGS: CycleSettings = { points: DEFAULT_POINTS, autoPublishMinRating: 4 };

/** Read them from the configuration. */
export const cycleSettingsOf = (config: Config): CycleSettings => ({
  points: { first: config.POINTS_FIRST, later: config.POINTS_LATER, severityWeights: config.POINTS_SEVERITY_WEIGHTS },
  autoPublishMinRating: config.AUTO_PUBLISH_MIN_RATING,
});
