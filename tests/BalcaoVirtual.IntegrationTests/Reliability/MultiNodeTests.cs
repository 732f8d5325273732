using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;
using Microsoft.AspNetCore.SignalR.Client;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// Three service processes on one Redis (and on a Redis Cluster) behind nginx with the shipped configuration (round
/// robin): webhooks spread over the nodes, and still each message has one bot turn, each outbound message one send, each SLA event one set
/// of alerts; a browser session made on one node is valid on the others (data-protection keys in the store), and a
/// change on one node reaches a clerk connected to another.
/// </summary>
[TestFixture(Backend.Redis)]
[TestFixture(Backend.Cluster)]
[NonParallelizable]
public sealed partial class MultiNodeTests(Backend backend)
{
    private const int Nodes = 3;
    private const int Contacts = 100;
    private const int Messages = 600;
    private const int SlaContacts = 6;
    private const string AdminPassword = "senha-de-teste-123";
    private const string SantaremNumber = "whatsapp:+559330640109"; // outside the audited workload (its SLA is 48 h)
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly List<ServiceProcess> nodes = [];
    private FakeTwilio twilio = null!;
    private NginxProxy proxy = null!;
    private string work = null!;
    private string pickup = null!;
    private string prefix = null!;
    private string store = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        work = TestServers.TempDir("multinode");
        pickup = Path.Combine(work, "mail");
        prefix = "mn" + Guid.NewGuid().ToString("N")[..10];
        twilio = await FakeTwilio.StartAsync();
        store = backend == Backend.Cluster ? (await StoreBackend.SharedClusterAsync()).ConnectionString : TestServers.Redis;
        var ports = Enumerable.Range(0, Nodes).Select(_ => TestServers.FreePort()).ToList();
        var proxyUrls = ports.Select(p => $"http://127.0.0.1:{p.ToString(Inv)}").ToList();
        proxy = await NginxProxy.StartAsync(proxyUrls);
        foreach (var port in ports)
        {
            var settings = ServiceProcess.BaseSettings(proxy.Url);
            DeliveryAudit.AddSettings(settings, twilio, pickup);
            settings["Storage:Mode"] = "Redis";
            settings["Storage:Redis"] = store;
            settings["Storage:KeyPrefix"] = prefix;
            nodes.Add(await ServiceProcess.StartAsync(Path.Combine(work, port.ToString(Inv)), port, settings));
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var node in nodes)
        {
            node.Dispose();
        }

        proxy?.Dispose();
        if (twilio is not null)
        {
            await twilio.DisposeAsync();
        }
    }

    [Test]
    public async Task WebhooksSpreadOverThreeNodes_EachMessageOneTurn_EachSendOnce_EachAlertOnce()
    {
        var acked = new ConcurrentDictionary<string, (string From, string To)>(StringComparer.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Url) };
        var before = new List<double>(); // another test may have sent some
        foreach (var node in nodes)
        {
            before.Add(MessagesIn(await http.GetStringAsync(node.Url + "/metrics")));
        }

        async Task SendAsync(string sid, string from, string to, string body)
        {
            using var response = await TwilioSigner.PostAsync(http, "/webhooks/twilio", TwilioSigner.Inbound(sid, body, from, to), signUrl: proxy.Url + "/webhooks/twilio");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), sid);
            acked[sid] = (from, to);
        }

        await Task.WhenAll(Enumerable.Range(0, SlaContacts).Select(i =>
            SendAsync(TwilioSigner.Sid(2_000_000 + i), DeliveryAudit.SlaContact(i), DeliveryAudit.MacapaNumber, DeliveryAudit.SlaQuestion)));
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= Messages)
            {
                var contact = n % Contacts;
                await SendAsync(TwilioSigner.Sid(3_000_000 + n), DeliveryAudit.BulkContact(contact), DeliveryAudit.BulkNumber(contact), "menu");
            }
        })));

        var audit = await DeliveryAudit.RunAsync(store, prefix, acked, twilio, pickup,
            () => nodes.FirstOrDefault(n => n.HasExited)?.Output, () => string.Join(Environment.NewLine, nodes.Select(n => n.Output)));
        var perNode = new List<double>();
        foreach (var node in nodes)
        {
            perNode.Add(MessagesIn(await http.GetStringAsync(node.Url + "/metrics")) - before[perNode.Count]);
        }

        TestContext.Out.WriteLine(string.Create(Inv,
            $"Three nodes: {acked.Count} webhooks through nginx, stored per node {string.Join(" / ", perNode)}; outbound {audit.Outbound}, provider requests {audit.ProviderRequests}; SLA events {audit.Events.Count}, alert e-mails {audit.AlertMails}, phone alerts {audit.PhoneAlerts.Count}."));
        Assert.Multiple(() =>
        {
            Assert.That(perNode, Has.All.GreaterThan(Messages / Nodes / 2), "nginx spreads the webhooks over every node");
            Assert.That(perNode.Sum(), Is.EqualTo(Messages + SlaContacts), "each message stored by one node");
        });
        audit.AssertExactlyOnce(SlaContacts, ambiguousAllowed: 0, mailInFlightAllowed: 0);
    }

    [Test]
    public async Task SessionFromOneNode_IsValidOnTheOthers_AndChangesOnOneNodeReachClerksOnAnother()
    {
        // Sign in: the form from node 0, posted to node 1 (its antiforgery token must read there), the inbox from node 2.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        using var signIn = await SignInForm.PostAsync(browser, nodes[0].Url + "/entrar", nodes[1].Url + "/entrar", "admin@localhost", AdminPassword);
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signIn.Content.ReadAsStringAsync());
        var inbox = await browser.GetAsync(nodes[2].Url + "/inbox");
        Assert.That(inbox.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var csrf = CsrfMeta().Match(await inbox.Content.ReadAsStringAsync());
        Assert.That(csrf.Success, "the inbox page carries its antiforgery token");

        // A clerk's live channel on node 0; a citizen's message through node 2 (processed wherever).
        using var api = new HttpClient();
        var token = (await (await api.PostAsJsonAsync(nodes[1].Url + "/api/auth/token", new TokenRequest("admin@localhost", AdminPassword)))
            .Content.ReadFromJsonAsync<TokenResponse>())!.Token;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(nodes[0].Url + "/hubs/inbox", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var heard = new ConcurrentQueue<string>();
        hub.On<string>("changed", heard.Enqueue);
        await hub.StartAsync();
        using var webhook = await TwilioSigner.PostAsync(api, nodes[2].Url + "/webhooks/twilio",
            TwilioSigner.Inbound(TwilioSigner.Sid(4_000_000), DeliveryAudit.SlaQuestion, "whatsapp:+5593972000001", SantaremNumber),
            signUrl: proxy.Url + "/webhooks/twilio");
        Assert.That(webhook.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await TestServers.WaitUntilAsync(() => Task.FromResult(!heard.IsEmpty), TimeSpan.FromSeconds(30), "node 0's clerk to hear of the change made on another node");

        // An unsafe request of the cookie session with the token node 2 issued, on node 0: accepted.
        using var signOut = new HttpRequestMessage(HttpMethod.Post, nodes[0].Url + "/api/auth/logout");
        signOut.Headers.Add(SessionCookie.AntiforgeryHeader, WebUtility.HtmlDecode(csrf.Groups[1].Value));
        using var signedOut = await browser.SendAsync(signOut);
        Assert.That((int)signedOut.StatusCode, Is.InRange(200, 299), await signedOut.Content.ReadAsStringAsync());
    }

    private static double MessagesIn(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("balcao_messages_in_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], Inv));

    [GeneratedRegex("<meta name=\"csrf\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfMeta();
}
