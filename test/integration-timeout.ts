// Integration tests wait on real processes (a JVM restart, a consumer-group rebalance); each test
// still bounds its own waits, this is only the outer limit.
jest.setTimeout(120_000);
