export interface FeatureCounters {
  total: number;
  used: number;
  reserved: number;
  bookedTotal: number;
}

/** Seats still bookable: what is neither in use, reserved for desktops, nor booked. */
export function freeSeats(feature: FeatureCounters): number {
  return feature.total - feature.used - feature.reserved - feature.bookedTotal;
}

/** A booking fits when booked_total + used + reserved + quantity ≤ total. */
export function bookingFits(feature: FeatureCounters, quantity: number): boolean {
  return feature.bookedTotal + feature.used + feature.reserved + quantity <= feature.total;
}
