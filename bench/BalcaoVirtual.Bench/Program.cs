using BalcaoVirtual.Bench;

return await BenchCommand.RunAsync(args);
