//! The portal's counter as the client must assume it: drained by `Y` once a
//! second, at a moment of the second the client cannot see.
//!
//! The client does not know when the portal's drain ticks, so it keeps one
//! bound per slice of the second ([`CELLS`] slices): the counter if the tick
//! falls in that slice. The counter is at most the largest of them. A slice's
//! tick drains only what was sent before the slice began (less
//! [`ARRIVAL_SPREAD`], as a request can reach the portal later than it left),
//! and counts only from the slice's end. So a request goes when the counter
//! is certainly low enough, whatever the phase.

/// Slices of the second: the phase is known to within `1 / CELLS` s.
pub(crate) const CELLS: u32 = 200;

/// How much later than its send time a request may reach the portal's
/// bucket, relative to the others (network and scheduling jitter).
pub(crate) const ARRIVAL_SPREAD: f64 = 0.01;

/// One assumed phase: its bound on the counter and its next tick.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The counter if the tick falls in this slice, after every request counted so far.
    level: f64,
    /// The next tick's index (second).
    next: u64,
    /// A tick that has begun (it may have happened) and what it drains once it surely has.
    open: Option<(u64, f64)>,
}

/// The counter's bound over every phase. Times are seconds since the model began.
#[derive(Debug, Clone)]
pub(crate) struct Ticks {
    per_tick: f64,
    cells: Vec<Cell>,
}

impl Ticks {
    /// An empty counter drained by `per_tick` once a second.
    pub(crate) fn new(per_tick: f64) -> Ticks {
        Ticks {
            per_tick,
            cells: vec![
                Cell {
                    level: 0.0,
                    next: 0,
                    open: None,
                };
                CELLS as usize
            ],
        }
    }

    fn begins(k: u64, cell: usize) -> f64 {
        k as f64 + cell as f64 / f64::from(CELLS) - ARRIVAL_SPREAD
    }

    fn ends(k: u64, cell: usize) -> f64 {
        k as f64 + (cell + 1) as f64 / f64::from(CELLS)
    }

    /// Applies every tick surely over by `t`, and begins those that may have started.
    pub(crate) fn advance(&mut self, t: f64) {
        let per_tick = self.per_tick;
        for (i, cell) in self.cells.iter_mut().enumerate() {
            loop {
                if let Some((k, drain)) = cell.open {
                    if Ticks::ends(k, i) > t {
                        break;
                    }
                    cell.level = (cell.level - drain).max(0.0);
                    cell.open = None;
                    cell.next = k + 1;
                } else {
                    if Ticks::begins(cell.next, i) > t {
                        break;
                    }
                    if cell.level <= 0.0 {
                        // Nothing to drain: skip to the first tick not yet begun.
                        let first = (t - i as f64 / f64::from(CELLS) + ARRIVAL_SPREAD).floor();
                        cell.next = cell.next.max(first.max(0.0) as u64 + 1);
                        break;
                    }
                    cell.open = Some((cell.next, cell.level.min(per_tick)));
                }
            }
        }
    }

    /// The counter, at most, as of the last [`advance`](Ticks::advance).
    pub(crate) fn level(&self) -> f64 {
        self.cells.iter().map(|c| c.level).fold(0.0, f64::max)
    }

    /// Counts `n` requests sent now.
    pub(crate) fn add(&mut self, n: f64) {
        for cell in &mut self.cells {
            cell.level += n;
        }
    }

    /// Raises every bound to at least `level` (the portal said it is full).
    pub(crate) fn fill(&mut self, level: f64) {
        for cell in &mut self.cells {
            cell.level = cell.level.max(level);
        }
    }

    /// When the bound next falls, after `t`.
    pub(crate) fn next_fall(&self, t: f64) -> f64 {
        let mut next = f64::INFINITY;
        for (i, cell) in self.cells.iter().enumerate() {
            if cell.level <= 0.0 {
                continue;
            }
            let at = match cell.open {
                Some((k, _)) => Ticks::ends(k, i),
                None => Ticks::ends(cell.next, i),
            };
            next = next.min(at);
        }
        next.max(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_drains_only_after_a_whole_second() {
        let mut ticks = Ticks::new(20.0);
        ticks.advance(0.0);
        ticks.add(49.0);
        ticks.advance(0.99);
        // The tick may have come just before the burst: nothing surely drained.
        assert_eq!(ticks.level(), 49.0);
        // Surely drained once the last slice of the phase has passed (the
        // slice and the arrival spread shift each later tick a little).
        ticks.advance(1.1);
        assert_eq!(ticks.level(), 29.0);
        ticks.advance(2.1);
        assert_eq!(ticks.level(), 9.0);
        ticks.advance(3.2);
        assert_eq!(ticks.level(), 0.0);
    }

    #[test]
    fn requests_spread_over_a_second_are_not_drained_by_a_tick_before_them() {
        // 10 at 0, 10 at 0.5: a tick at 0.3 drains the first 10 only; the
        // bound must not assume the second 10 were drained by 1.0.
        let mut ticks = Ticks::new(20.0);
        ticks.advance(0.0);
        ticks.add(10.0);
        ticks.advance(0.5);
        ticks.add(10.0);
        ticks.advance(1.0);
        assert!(ticks.level() >= 10.0, "{}", ticks.level());
        ticks.advance(1.5);
        assert!(ticks.level() >= 10.0 - 1e-9);
        ticks.advance(2.6);
        assert_eq!(ticks.level(), 0.0);
    }

    #[test]
    fn the_bound_holds_for_every_phase() {
        // Random sends; replay the portal's counter at 200 phases and check
        // each stays within the model's bound at every send.
        let mut seed = 0x1234_5678u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 1000) as f64 / 1000.0
        };
        let sends: Vec<f64> = {
            let mut t = 0.0;
            (0..400)
                .map(|_| {
                    t += next() * 0.08;
                    t
                })
                .collect()
        };
        let per_tick = 3.0;
        let mut ticks = Ticks::new(per_tick);
        let mut bounds = Vec::new();
        for &s in &sends {
            ticks.advance(s);
            ticks.add(1.0);
            bounds.push(ticks.level());
        }
        for p in 0..200 {
            let phase = f64::from(p) / 200.0;
            let (mut counter, mut tick) = (0.0f64, phase);
            for (&s, &bound) in sends.iter().zip(&bounds) {
                while tick <= s {
                    counter = (counter - per_tick).max(0.0);
                    tick += 1.0;
                }
                counter += 1.0;
                assert!(
                    counter <= bound + 1e-9,
                    "phase {phase}: {counter} > {bound} at {s}"
                );
            }
        }
    }
}
