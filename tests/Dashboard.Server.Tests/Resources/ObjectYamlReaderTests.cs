using System.Text.Json.Nodes;
using Dashboard.Server.Resources;

namespace Dashboard.Server.Tests.Resources;

/// <summary>YAML as the dashboard writes it reads back to the same JSON, strings that look like other types included.</summary>
public sealed class ObjectYamlReaderTests
{
    [Fact]
    public void What_the_writer_writes_reads_back_the_same()
    {
        var item = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"n","resourceVersion":"42","labels":{"a":"yes","b":"0755","c":"1e3","d":"null","e":"~","f":""}},
             "data":{"script":"#!/bin/sh\necho hi\n","n":"12","t":"true","list":"[1, 2]"},
             "spec":{"replicas":3,"ratio":0.5,"on":true,"none":null,"empty":{},"items":[],"nested":[{"a":1},{"b":[1,2]}]}}
            """)!.AsObject();

        var read = ObjectYamlReader.Read(ObjectYaml.Write((JsonObject)item.DeepClone(), false));

        Assert.True(JsonNode.DeepEquals(item, read), read.ToJsonString());
    }

    [Theory]
    [InlineData("a: &x 1\nb: *x\n", "Anchors")]
    [InlineData("a: 1\na: 2\n", "given twice")]
    [InlineData("- 1\n- 2\n", "not an object")]
    [InlineData("a: 1\n---\nb: 2\n", "more than one document")]
    [InlineData("a: [1, 2\n", "line")]
    public void Yaml_it_cannot_take_is_refused_with_a_reason(string yaml, string reason)
    {
        var refused = Assert.Throws<FormatException>(() => ObjectYamlReader.Read(yaml));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diff_holds_only_the_changed_lines()
    {
        var diff = LineDiff.Of("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 5\nc: 3\nd: 4\n");

        Assert.Equal("- b: 2\n+ b: 5\n+ d: 4", diff);
    }
}
