// Fixtures run two at a time: most of this suite's time is spent waiting (for a service process to start, a failover,
// a page), not computing. Each fixture keeps to its own store keys (a prefix per service), citizens, mailboxes and ports,
// and the browser fixtures each their own contexts in the one Chromium; a fixture that cannot share the machine (a
// failover, a crash harness, several nodes, process-wide meters) says so with [NonParallelizable] and runs alone.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
