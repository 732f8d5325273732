using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Court;

public sealed class DataJudTests
{
    private static readonly CnjNumber Macapa = CnjNumber.Create(1234, 2024, 5, 8, 210);

    // Two hits for one case (first and second degree) with DataJud's traps: compact and ISO dates, assuntos as an
    // array of arrays, a missing órgão in one hit, unknown fields, and mojibake in names.
    private static readonly string FirstDegree = $$"""
        {"numeroProcesso":"{{Macapa.Digits}}","classe":{"codigo":985,"nome":"AÃ§Ã£o Trabalhista - Rito OrdinÃ¡rio"},
         "sistema":{"codigo":1,"nome":"PJe"},"formato":{"codigo":1,"nome":"Eletrônico"},"tribunal":"TRT8","grau":"G1",
         "dataAjuizamento":"20240305093000","dataHoraUltimaAtualizacao":"2025-01-10T14:05:00.000Z","nivelSigilo":0,
         "orgaoJulgador":{"codigo":43121,"nome":"7ª Vara do Trabalho de Macapá","codigoMunicipioIBGE":1600303},
         "assuntos":[[{"codigo":2581,"nome":"Horas Extras"}],[{"codigo":1855,"nome":"Adicional Noturno"}]],
         "campoNovoQueNinguemConhece":{"x":1},
         "movimentos":[
           {"codigo":26,"nome":"Distribuído por sorteio","dataHora":"20240305093500"},
           {"codigo":85,"nome":"Juntada de petição","dataHora":"2024-09-01T15:00:00Z"},
           {"codigo":51,"nome":"Audiência de instrução realizada","dataHora":"2024-08-20T13:00:00.000Z",
            "complementosTabelados":[{"codigo":19,"valor":1,"nome":"presencial","descricao":"tipo_de_audiencia"}]},
           {"codigo":123,"nome":"Remetidos os autos para Órgão jurisdicional competente","dataHora":"2025-01-10T14:00:00Z"}]}
        """;

    private static readonly string SecondDegree = $$"""
        {"numeroProcesso":"{{Macapa.Digits}}","classe":{"codigo":1009,"nome":"Recurso Ordinário Trabalhista"},
         "grau":"G2","dataAjuizamento":"2025-01-10T14:00:00Z","dataHoraUltimaAtualizacao":"20250301120000",
         "assuntos":[{"codigo":2581,"nome":"Horas Extras"}],
         "movimentos":[{"codigo":26,"nome":"Distribuído por prevenção","dataHora":"2025-01-11T12:00:00Z"},
                       {"codigo":970,"nome":"ConclusÃ£o para julgamento","dataHora":"2025-03-01T12:00:00Z"}]}
        """;

    /// <summary>The fake DataJud and the service pointed at it; disposes both.</summary>
    private sealed class Harness(FakeDataJud fake, ApiFactory factory) : IAsyncDisposable
    {
        public FakeDataJud Fake => fake;

        public ApiFactory Factory => factory;

        public DataJudClient Client => factory.Services.GetRequiredService<DataJudClient>();

        public async ValueTask DisposeAsync()
        {
            await factory.DisposeAsync();
            await fake.DisposeAsync();
        }
    }

    private static async Task<Harness> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var fake = await FakeDataJud.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["DataJud:BaseUrl"] = fake.BaseUrl.ToString(),
            ["DataJud:ApiKey"] = FakeDataJud.ApiKey,
            // Long enough for a first request on a busy machine (the suite runs two fixtures at a time); the test of a
            // hanging DataJud sets its own short one.
            ["DataJud:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new Harness(fake, new ApiFactory(settings));
    }

    [Test]
    public async Task Status_MergesEveryHit_AndSurvivesTheTraps()
    {
        await using var h = await StartAsync();
        var (fake, factory) = (h.Fake, h.Factory);
        fake.AddHit("api_publica_trt8", Macapa.Digits, FirstDegree);
        fake.AddHit("api_publica_trt8", Macapa.Digits, SecondDegree);
        using var client = await factory.AdminClientAsync();

        var response = await client.GetAsync($"/api/processes/{Macapa.Canonical}/status");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var summary = body.GetProperty("summary");
        var movements = summary.GetProperty("latestMovements").EnumerateArray().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("result").GetString(), Is.EqualTo("found"));
            Assert.That(summary.GetProperty("number").GetString(), Is.EqualTo(Macapa.Canonical));
            Assert.That(summary.GetProperty("court").GetString(), Is.EqualTo("TRT8"));
            Assert.That(summary.GetProperty("class").GetString(), Is.EqualTo("Recurso Ordinário Trabalhista"), "the hit updated last speaks");
            Assert.That(summary.GetProperty("body").GetString(), Is.EqualTo("7ª Vara do Trabalho de Macapá"), "the other hit fills the missing órgão");
            Assert.That(summary.GetProperty("degrees").EnumerateArray().Select(d => d.GetString()), Is.EqualTo(new[] { "G2", "G1" }));
            Assert.That(summary.GetProperty("filedAt").GetString(), Is.EqualTo("2024-03-05T06:30:00-03:00"), "compact UTC date shown in local time");
            Assert.That(summary.GetProperty("lastUpdatedAt").GetString(), Is.EqualTo("2025-03-01T09:00:00-03:00"));
            Assert.That(summary.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "Horas Extras", "Adicional Noturno" }));
            Assert.That(movements, Has.Count.EqualTo(5), "the latest five of six");
            Assert.That(movements[0].GetProperty("name").GetString(), Is.EqualTo("Conclusão para julgamento"), "mojibake repaired, latest first");
            Assert.That(movements[0].GetProperty("at").GetString(), Is.EqualTo("2025-03-01T09:00:00-03:00"));
            Assert.That(movements.Select(m => m.GetProperty("name").GetString()), Does.Not.Contain("Distribuído por sorteio"));
            Assert.That(movements.Single(m => m.GetProperty("name").GetString()!.StartsWith("Audiência", StringComparison.Ordinal)).GetProperty("complement").GetString(), Is.EqualTo("presencial"));
        });

        var request = fake.Requests.Single();
        Assert.That(request.Index, Is.EqualTo("api_publica_trt8"));
        Assert.That(request.Authorization, Is.EqualTo("APIKey " + FakeDataJud.ApiKey));
        Assert.That(JsonDocument.Parse(request.Body).RootElement.GetProperty("query").GetProperty("match").GetProperty("numeroProcesso").GetString(),
            Is.EqualTo(Macapa.Digits), "DataJud finds nothing with a punctuated number");
    }

    [Test]
    public async Task NotFound_AndUnavailable_AreDistinctAnswers()
    {
        await using var h = await StartAsync();
        var (fake, factory) = (h.Fake, h.Factory);
        using var client = await factory.AdminClientAsync();

        var missing = await client.GetAsync($"/api/processes/{Macapa.Canonical}/status");
        fake.RespondStatus(500);
        var other = CnjNumber.Create(5, 2025, 5, 8, 1);
        var failed = await client.GetAsync($"/api/processes/{other.Canonical}/status");

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString(), Is.EqualTo("notFound"));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("segredo de justiça"));
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await failed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString(), Is.EqualTo("unavailable"));
        Assert.That(failed.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task ServerErrors_PauseTheQueries_ThenTheyResume()
    {
        await using var h = await StartAsync();
        var (fake, factory) = (h.Fake, h.Factory);
        var datajud = h.Client;
        fake.AddHit("api_publica_trt8", Macapa.Digits, FirstDegree);
        fake.RespondStatus(503);
        fake.RespondStatus(500);

        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.Unavailable>());
        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.Unavailable>(), "paused: not asked again");
        Assert.That(fake.Requests, Has.Count.EqualTo(1));

        factory.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.Unavailable>(), "second failure");
        var paused = (CaseStatusResult.Unavailable)await datajud.GetStatusAsync(Macapa);
        Assert.That(paused.RetryAfter, Is.EqualTo(factory.Time.GetUtcNow() + TimeSpan.FromSeconds(60)), "the pause doubles");

        factory.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.Found>());
        Assert.That(fake.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task TooManyRequests_RetryAfterAsADate_IsMeasuredAgainstDataJudsOwnClock()
    {
        await using var h = await StartAsync();
        // DataJud's clock is the real one here, the service's is fake (days apart): 90 s after DataJud's Date header.
        h.Fake.RespondStatus(429, retryAfter: DateTimeOffset.UtcNow.AddSeconds(90).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        var result = (CaseStatusResult.Unavailable)await h.Client.GetStatusAsync(Macapa);

        Assert.That(result.RetryAfter, Is.EqualTo(h.Factory.Time.GetUtcNow() + TimeSpan.FromSeconds(90)).Within(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task TooManyRequests_HonoursRetryAfter()
    {
        await using var h = await StartAsync();
        var (fake, factory) = (h.Fake, h.Factory);
        var datajud = h.Client;
        fake.RespondStatus(429, retryAfter: "120");

        var result = (CaseStatusResult.Unavailable)await datajud.GetStatusAsync(Macapa);

        Assert.That(result.RetryAfter, Is.EqualTo(factory.Time.GetUtcNow() + TimeSpan.FromSeconds(120)));
        factory.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.Unavailable>());
        Assert.That(fake.Requests, Has.Count.EqualTo(1));
        factory.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(await datajud.GetStatusAsync(Macapa), Is.TypeOf<CaseStatusResult.NotFound>());
    }

    [Test]
    public async Task ASlowDataJud_TimesOut_AsUnavailable()
    {
        await using var h = await StartAsync(new() { ["DataJud:Timeout"] = "00:00:00.5" });
        var (fake, factory) = (h.Fake, h.Factory);
        var datajud = h.Client;
        fake.RespondHang();

        var result = await datajud.GetStatusAsync(Macapa);

        Assert.That(result, Is.TypeOf<CaseStatusResult.Unavailable>());
        Assert.That(((CaseStatusResult.Unavailable)result).Reason, Does.Contain("did not answer within 0.5 s"));
    }

    [Test]
    public async Task Answers_AreCachedForMinutes()
    {
        await using var h = await StartAsync();
        var (fake, factory) = (h.Fake, h.Factory);
        var datajud = h.Client;
        fake.AddHit("api_publica_trt8", Macapa.Digits, FirstDegree);

        await datajud.GetStatusAsync(Macapa);
        await datajud.GetStatusAsync(Macapa);
        Assert.That(fake.Requests, Has.Count.EqualTo(1), "cache hit");

        factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await datajud.GetStatusAsync(Macapa);
        Assert.That(fake.Requests, Has.Count.EqualTo(2), "expired");

        // Expired answers do not pile up: which cases were asked about is not kept longer than it is useful.
        for (var i = 1; i <= 63; i++)
        {
            await datajud.GetStatusAsync(CnjNumber.Create(i, 2024, 5, 8, 210)); // not found: cached too
        }

        Assert.That(datajud.CachedCount, Is.EqualTo(64));
        factory.Time.Advance(TimeSpan.FromMinutes(6));
        for (var i = 64; i <= 127; i++)
        {
            await datajud.GetStatusAsync(CnjNumber.Create(i, 2024, 5, 8, 210));
        }

        Assert.That(datajud.CachedCount, Is.LessThanOrEqualTo(64), "the 64 expired ones were dropped");
    }

    [Test]
    public async Task OtherCourts_UseTheirIndex_AndAConfiguredOverride()
    {
        await using var h = await StartAsync(new() { ["DataJud:Indexes:TJPA"] = "api_publica_tjpa_v2" });
        var (fake, factory) = (h.Fake, h.Factory);
        var datajud = h.Client;

        await datajud.GetStatusAsync(CnjNumber.Create(1, 2024, 6, 14, 6));
        await datajud.GetStatusAsync(CnjNumber.Create(1, 2024, 8, 14, 1));

        Assert.That(fake.Requests.Select(r => r.Index), Is.EqualTo(new[] { "api_publica_tre-pa", "api_publica_tjpa_v2" }));
    }

    [Test]
    public async Task Status_NeedsSignIn_ChecksTheNumberFirst_AndWithoutAKeyIsUnavailable()
    {
        await using var h = await StartAsync(new() { ["DataJud:ApiKey"] = null });
        var (fake, factory) = (h.Fake, h.Factory);
        using var anonymous = factory.CreateClient();
        using var client = await factory.AdminClientAsync();

        Assert.That((await anonymous.GetAsync($"/api/processes/{Macapa.Canonical}/status")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await client.GetAsync("/api/processes/0000001-05.2001.5.08.0001/status")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await client.GetAsync($"/api/processes/{Macapa.Canonical}/status")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(fake.Requests, Is.Empty, "an invalid number or a missing key never reaches DataJud");
    }

    [TestCase("20240305093000", "2024-03-05T09:30:00+00:00")]
    [TestCase("2024-03-05T09:30:00.000Z", "2024-03-05T09:30:00+00:00")]
    [TestCase("2024-03-05T09:30:00", "2024-03-05T09:30:00+00:00")]
    [TestCase("2024-03-05T06:30:00-03:00", "2024-03-05T09:30:00+00:00")]
    [TestCase("20240305", "2024-03-05T00:00:00+00:00")]
    public void Dates_InEveryShape(string text, string expected) =>
        Assert.That(DataJudParser.ParseDate(JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement)?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), Is.EqualTo(expected));

    [TestCase("MovimentaÃ§Ã£o", "Movimentação")]
    [TestCase("Movimentação", "Movimentação")]
    [TestCase("Ação – Órgão", "Ação – Órgão")]
    [TestCase("Ã", "Ã")]
    public void Mojibake_IsRepaired_AndProperTextLeftAlone(string text, string expected) =>
        Assert.That(DataJudParser.FixMojibake(text), Is.EqualTo(expected));
}
