/**
 * The time AWS stamps resources with (epoch ms), for comparisons with such stamps (a connection's CreationTimestamp).
 * Date.now() in Lambda; the local runner points it at the local cloud's emulated time, which runs faster than wall
 * time, so a handler's age of a resource is measured on the clock that stamped it.
 */
export const wallClock: { now: () => number } = { now: () => Date.now() };
