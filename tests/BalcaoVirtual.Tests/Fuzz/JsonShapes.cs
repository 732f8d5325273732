using System.Globalization;
using System.Text.Json.Nodes;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>JSON made to look like a format's documents and to break the assumptions of their readers.</summary>
internal static class JsonShapes
{
    /// <summary>A document with nodes replaced, dropped, renamed, retyped or repeated: mostly its shape, never quite.</summary>
    public static JsonNode? Bend(Random r, JsonNode? node, IReadOnlyList<string> keys, int depth = 0)
    {
        if (r.Next(12) == 0)
        {
            return Any(r, keys, depth);
        }

        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o.ToList())
                {
                    if (r.Next(15) == 0)
                    {
                        continue; // dropped
                    }

                    copy[r.Next(40) == 0 ? keys[r.Next(keys.Count)] : key] = Bend(r, value?.DeepClone(), keys, depth + 1);
                }

                return copy;
            case JsonArray a:
                var items = new JsonArray();
                foreach (var item in a.ToList())
                {
                    var bent = Bend(r, item?.DeepClone(), keys, depth + 1);
                    items.Add(bent);
                    if (r.Next(20) == 0)
                    {
                        items.Add(bent?.DeepClone());
                    }
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Any JSON value: deep or flat, numbers no type holds, any text, <paramref name="keys"/> for names.</summary>
    public static JsonNode? Any(Random r, IReadOnlyList<string> keys, int depth = 0)
    {
        switch (r.Next(depth > 6 ? 6 : 9))
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(r.Next(2) == 0);
            case 2:
                return JsonNode.Parse(r.Next(5) switch
                {
                    0 => "1e308",
                    1 => "-0.0",
                    2 => "123456789012345678901234567890",
                    3 => r.NextDouble().ToString("R", CultureInfo.InvariantCulture),
                    _ => r.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
                });
            case 3 or 4:
                return JsonValue.Create(r.Next(3) == 0 ? keys[r.Next(keys.Count)] : r.Next(3) == 0 ? "559198" + r.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture) : Mutator.AnyText(r, 30));
            case 5:
                return JsonValue.Create(new string(Mutator.AnyText(r, 20).Where(c => !char.IsSurrogate(c)).ToArray()));
            case 6 or 7:
                var o = new JsonObject();
                for (var i = r.Next(6); i > 0; i--)
                {
                    o[keys[r.Next(keys.Count)]] = Any(r, keys, depth + 1);
                }

                return o;
            default:
                var a = new JsonArray();
                for (var i = r.Next(5); i > 0; i--)
                {
                    a.Add(Any(r, keys, depth + 1));
                }

                return a;
        }
    }
}
