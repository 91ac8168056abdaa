using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace Generated.OpenAI.Generator.Tests;

/// <summary>
/// Values the spec does not promise, in generated models compiled from a small spec and loaded: an unlisted value in a
/// list of closed enums is kept raw like a single one, and a raw value replaced through its typed property is written once.
/// </summary>
public class RawValueTests
{
    private const string Schemas = """
        {
         "Level":{"type":"string","enum":["low","high"]},
         "Thing":{"type":"object","properties":{
           "include":{"type":"array","items":{"$ref":"#/components/schemas/Level"}},
           "grid":{"type":"array","items":{"type":"array","items":{"$ref":"#/components/schemas/Level"}}},
           "by_name":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/Level"}},
           "maybe":{"type":"array","items":{"anyOf":[{"$ref":"#/components/schemas/Level"},{"type":"null"}]}},
           "level":{"$ref":"#/components/schemas/Level"},
           "count":{"type":"integer"},
           "name":{"type":"string"}}}
        }
        """;

    private static readonly Lazy<Assembly> s_assembly = new(() => GeneratorHarness.CompileAndLoad(GeneratorHarness.Spec(Schemas), "RawValues"));

    private static Type Thing => s_assembly.Value.GetType("RawValues.Thing", throwOnError: true)!;

    private static Type Level => s_assembly.Value.GetType("RawValues.Level", throwOnError: true)!;

    private static object Read(string json) => JsonSerializer.Deserialize(json, Thing)!;

    private static string Write(object thing) => JsonSerializer.Serialize(thing, Thing);

    private static IDictionary<string, JsonElement> Extensions(object thing) => (IDictionary<string, JsonElement>)Thing.GetProperty("ExtensionData")!.GetValue(thing)!;

    private static object? Get(object thing, string property) => Thing.GetProperty(property)!.GetValue(thing);

    [Theory]
    [InlineData("include", """["low","sideways"]""")]
    [InlineData("include", """["low",3]""")]
    [InlineData("grid", """[["low"],["high","sideways"]]""")]
    [InlineData("by_name", """{"a":"low","b":"sideways"}""")]
    [InlineData("maybe", """[null,"sideways"]""")]
    public void A_list_or_map_of_closed_enums_with_an_unlisted_value_is_kept_raw_whole_and_written_back_unchanged(string property, string value)
    {
        string json = $$"""{"{{property}}":{{value}},"name":"after"}""";

        object thing = Read(json);

        Assert.Equal(value, Extensions(thing)[property].GetRawText());
        Assert.Equal("after", Get(thing, "Name")); // the reader went on past the rewound value
        using var expected = JsonDocument.Parse(json);
        using var actual = JsonDocument.Parse(Write(thing));
        Assert.Equal(expected.RootElement.GetProperty(property).GetRawText(), actual.RootElement.GetProperty(property).GetRawText());
    }

    [Fact]
    public void Lists_and_maps_of_known_values_are_typed_and_not_kept_raw()
    {
        object thing = Read("""{"include":["low","high"],"grid":[["high"],[]],"by_name":{"a":"low"},"maybe":[null,"high"]}""");

        Assert.Empty(Extensions(thing));
        Assert.Equal(new[] { "Low", "High" }, ((IEnumerable)Get(thing, "Include")!).Cast<object>().Select(v => v.ToString()));
        Assert.Equal(2, ((IList)Get(thing, "Grid")!).Count);
        Assert.Equal("Low", ((IDictionary)Get(thing, "ByName")!)["a"]!.ToString());
        Assert.Equal(new[] { null, "High" }, ((IEnumerable)Get(thing, "Maybe")!).Cast<object?>().Select(v => v?.ToString()));
        Assert.Equal("""{"include":["low","high"],"grid":[["high"],[]],"by_name":{"a":"low"},"maybe":[null,"high"]}""", Write(thing));
    }

    [Theory]
    [InlineData("""{"level":"sideways"}""", "level", "Level", "\"high\"")]
    [InlineData("""{"count":"three"}""", "count", "Count", "3")]
    [InlineData("""{"include":["sideways"]}""", "include", "Include", "[\"high\"]")]
    public void Setting_the_typed_property_of_a_value_kept_raw_writes_the_key_once_with_the_new_value(string json, string jsonName, string property, string expected)
    {
        object thing = Read(json);
        Assert.True(Extensions(thing).ContainsKey(jsonName));

        object value = property switch
        {
            "Level" => Enum.Parse(Level, "High"),
            "Count" => 3L,
            _ => CreateLevelList("High"),
        };
        Thing.GetProperty(property)!.SetValue(thing, value);
        string written = Write(thing);

        Assert.Equal($$"""{"{{jsonName}}":{{expected}}}""", written);
    }

    [Fact]
    public void A_value_kept_raw_and_left_alone_is_still_written_and_other_extension_data_is_kept()
    {
        object thing = Read("""{"level":"sideways","extra":1}""");
        Thing.GetProperty("Name")!.SetValue(thing, "n");

        Assert.Equal("""{"name":"n","level":"sideways","extra":1}""", Write(thing));
    }

    private static object CreateLevelList(params string[] members)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(Level))!;
        foreach (string member in members)
        {
            list.Add(Enum.Parse(Level, member));
        }
        return list;
    }
}
