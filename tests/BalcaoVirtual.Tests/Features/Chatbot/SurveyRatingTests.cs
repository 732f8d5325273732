using BalcaoVirtual.Web.Features.Chatbot;

namespace BalcaoVirtual.Tests.Features.Chatbot;

public sealed class SurveyRatingTests
{
    [TestCase("5", 5, null)]
    [TestCase(" 4 ", 4, null)]
    [TestCase("4 - gostei, mas demorou", 4, "gostei, mas demorou")]
    [TestCase("3. Regular", 3, "Regular")]
    [TestCase("2 a servidora não respondeu o que perguntei", 2, "a servidora não respondeu o que perguntei")]
    [TestCase("nota 5", 5, null)]
    [TestCase("Dou nota 4!", 4, null)]
    [TestCase("5 estrelas", 5, null)]
    [TestCase("3/5", 3, null)]
    [TestCase("4 de 5, muito bom", 4, "muito bom")]
    [TestCase("4️⃣", 4, null)]
    [TestCase("⭐⭐⭐⭐", 4, null)]
    [TestCase("★★", 2, null)]
    [TestCase("1\nPéssimo, ninguém resolveu.", 1, "Péssimo, ninguém resolveu.")]
    public void ARating_IsRead_WithTheRestAsTheComment(string text, int score, string? comment)
    {
        Assert.That(SurveyRating.TryRead(text, out var read, out var said), Is.True, text);
        Assert.That((read, said), Is.EqualTo((score, comment)));
    }

    [TestCase("")]
    [TestCase("6")]
    [TestCase("0")]
    [TestCase("10")]
    [TestCase("12345")]
    [TestCase("0001234-56.2024.5.08.0210")]
    [TestCase("1234567-89.2024.5.08.0210")]
    [TestCase("oi")]
    [TestCase("muito bom")]
    [TestCase("⭐⭐⭐⭐⭐⭐")]
    [TestCase("45")]
    [TestCase("4.500,00 caiu na conta?")]
    [TestCase("2,5")]
    public void AnythingElse_IsNoRating(string text) => Assert.That(SurveyRating.TryRead(text, out _, out _), Is.False, text);

    [Test]
    public void ALongComment_IsKeptToItsLimit() =>
        Assert.That(SurveyRating.TryRead("5 " + new string('a', 5000), out _, out var comment) ? comment!.Length : -1, Is.EqualTo(1000));
}
