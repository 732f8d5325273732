using BalcaoVirtual.Bench;

return args.FirstOrDefault() switch
{
    "webhook" => await WebhookBench.RunAsync(args),
    "bare" => await WebhookBench.RunBareServerAsync(args),
    "cnj" => CnjBench.Run(args),
    "chatbot" => await ChatbotBench.RunAsync(args),
    "sla" => await SlaBench.RunAsync(args),
    "alerts" => await CaseAlertBench.RunAsync(args),
    "inbox" => await InboxBench.RunAsync(args),
    "memory" => await MemoryBench.RunAsync(args),
    _ => await BenchCommand.RunAsync(args),
};
