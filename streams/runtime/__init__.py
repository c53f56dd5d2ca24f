"""Everything that carries the case logic on Faust: the app, the batched agents and tables,
the outbox, the rewind after a rebalance, the workers and their web views. The only part of
``streams`` that knows Faust, and so the only part that knows its internals."""
