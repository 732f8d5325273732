using System.Net;
using BalcaoVirtual.Web.Infrastructure.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>Whose word on the client's address the service takes: loopback proxies and the ones the court names.</summary>
public sealed class ProxiesTests
{
    private static async Task<IPAddress?> ClientSeenAsync(string from, string forwardedFor, params string[] trusted)
    {
        var options = new ForwardedHeadersOptions();
        Proxies.Apply(options, new ProxyOptions { Trusted = trusted });
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(from);
        http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options)).Invoke(http);
        return http.Connection.RemoteIpAddress;
    }

    [Test]
    public async Task AProxyOnAnotherMachine_IsBelieved_OnlyWhenTheCourtNamesIt()
    {
        Assert.That(await ClientSeenAsync("10.0.0.5", "200.1.2.3"), Is.EqualTo(IPAddress.Parse("10.0.0.5")), "not named: the proxy is the client");
        Assert.That(await ClientSeenAsync("10.0.0.5", "200.1.2.3", "10.0.0.5"), Is.EqualTo(IPAddress.Parse("200.1.2.3")));
        Assert.That(await ClientSeenAsync("10.0.0.9", "200.1.2.3", "10.0.0.0/24"), Is.EqualTo(IPAddress.Parse("200.1.2.3")), "a network");
        Assert.That(await ClientSeenAsync("127.0.0.1", "200.1.2.3", "10.0.0.0/24"), Is.EqualTo(IPAddress.Parse("200.1.2.3")), "loopback still trusted");
    }

    [Test]
    public async Task AnAddressTheClientWroteItself_IsNeverTaken_ThroughAChainOfTrustedProxies()
    {
        // The client sent "X-Forwarded-For: 6.6.6.6"; the balancer (10.0.0.5) and nginx (loopback) each appended what they saw.
        Assert.That(await ClientSeenAsync("127.0.0.1", "6.6.6.6, 200.1.2.3, 10.0.0.5", "10.0.0.5"), Is.EqualTo(IPAddress.Parse("200.1.2.3")));
        Assert.That(await ClientSeenAsync("127.0.0.1", "6.6.6.6, 200.1.2.3"), Is.EqualTo(IPAddress.Parse("200.1.2.3")));
    }

    [TestCase("10.0.0.5", true)]
    [TestCase("2001:db8::1", true)]
    [TestCase("10.0.0.0/24", true)]
    [TestCase("2001:db8::/64", true)]
    [TestCase("10.0.0.300", false)]
    [TestCase("proxy.tribunal", false)]
    [TestCase("10.0.0.0/33", false)]
    [TestCase("10.5", false)]
    [TestCase("0.0.0.0/0", false)]
    [TestCase("::/0", false)]
    [TestCase("10.0.0.0/8", true)]
    public void Trusted_AcceptsAddressesAndNetworks_AndNamesTheEntryItRefuses(string entry, bool valid)
    {
        var result = new ProxyOptionsValidator().Validate(null, new ProxyOptions { Trusted = ["127.0.0.1", entry] });
        Assert.That(result.Succeeded, Is.EqualTo(valid));
        if (!valid)
        {
            Assert.That(result.FailureMessage, Does.Contain("Proxies:Trusted:1").And.Contain(entry));
        }
    }
}

/// <summary>What a per-client limit counts as one client.</summary>
public sealed class ClientAddressTests
{
    [TestCase("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [TestCase("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [TestCase("::ffff:200.1.2.3", "200.1.2.3")]
    [TestCase("200.1.2.3", "200.1.2.3")]
    public void AnIPv6Client_IsItsWhole64_AnIPv4OneItsAddress(string address, string key) =>
        Assert.That(ClientAddress.Key(IPAddress.Parse(address)), Is.EqualTo(key));

    [Test]
    public void NoAddress_IsOneUnknownClient() => Assert.That(ClientAddress.Key(null), Is.EqualTo("unknown"));
}
