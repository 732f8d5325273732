using BalcaoVirtual.Web;

return await ServiceHost.RunAsync(args).ConfigureAwait(false);
