using BalcaoVirtual.Bench;

return args.FirstOrDefault() switch
{
    "webhook" => await WebhookBench.RunAsync(args),
    "bare" => await WebhookBench.RunBareServerAsync(args),
    "cnj" => CnjBench.Run(args),
    _ => await BenchCommand.RunAsync(args),
};
