using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>Which reverse proxies may tell the service the client's address and scheme (X-Forwarded-For/-Proto).</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxies";

    /// <summary>
    /// Addresses ("10.0.0.5") or networks ("10.0.0.0/24") of proxies on other machines, besides loopback (the shipped
    /// nginx on the same machine). Without them, a proxy elsewhere is seen as the client: every citizen and clerk would
    /// share its address, and its rate limits and sign-in lockouts.
    /// </summary>
    public IReadOnlyList<string> Trusted { get; set; } = [];
}

internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = options.Trusted
            .Select((entry, i) => (entry, i))
            .Where(e => Proxies.Parse(e.entry) is null)
            .Select(e => $"{ProxyOptions.Section}:{nameof(ProxyOptions.Trusted)}:{e.i} ('{e.entry}') is not a full IP address or a network such as 10.0.0.0/24 (at most /8; IPv6 at most /32).")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal static class Proxies
{
    public static IServiceCollection AddProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<ProxyOptions, ProxyOptionsValidator>(configuration, ProxyOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) => Apply(forwarded, proxies.Value));
        return services;
    }

    /// <summary>
    /// The client's address and scheme as the trusted proxies saw them. Entries are read from the right and the first
    /// one that is not a trusted proxy is the client, so a chain (a balancer, then nginx) works and an address the
    /// client wrote itself into the header is never taken.
    /// </summary>
    internal static void Apply(ForwardedHeadersOptions forwarded, ProxyOptions proxies)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = null;
        foreach (var network in proxies.Trusted.Select(Parse).OfType<System.Net.IPNetwork>())
        {
            forwarded.KnownIPNetworks.Add(network);
        }
    }

    /// <summary>
    /// An address written out in full ("10.0.0.5", not the shorthand "10.5") or a network no wider than a /8 (IPv4) or a
    /// /32 (IPv6): trusting 0.0.0.0/0 would let every client write its own address into the audit trail and past the limits.
    /// </summary>
    internal static System.Net.IPNetwork? Parse(string? entry)
    {
        var text = entry?.Trim() ?? "";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            return null;
        }

        var v4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        if (slash < 0)
        {
            return new System.Net.IPNetwork(address, v4 ? 32 : 128);
        }

        return System.Net.IPNetwork.TryParse(text, out var network) && network.PrefixLength >= (v4 ? 8 : 32) ? network : null;
    }
}
