using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MySchool.Integration.Core.Store;

namespace MySchool.Integration.Core.Sync;

/// <summary>
/// A school's checked snapshot as one SHA-256, together with everything else its write depends on: the source and the
/// region's settings (not the run or the day, which an unchanged school's write never uses) and the engine's own build,
/// so that a new gateway version compares every school once. Equal digests mean the same write.
/// </summary>
/// <remarks>
/// Every public property of the snapshot's records is serialized, so a field added later is covered without a word
/// here; raw payloads are left out (they only ever reach quarantine, and a school with quarantine keeps no digest).
/// </remarks>
public static class SnapshotDigest
{
    private static readonly Guid EngineBuild = typeof(SnapshotDigest).Assembly.ManifestModule.ModuleVersionId;

    private static readonly JsonSerializerOptions Options = new() { Converters = { new WithoutRawPayload() } };

    public static byte[] Of(SchoolSnapshot snapshot, WriteTarget target)
    {
        using var hash = new HashingStream();
        JsonSerializer.Serialize(hash, new { EngineBuild, Target = target with { RunId = 0, Today = default }, Snapshot = snapshot }, Options);
        return hash.Digest();
    }

    private sealed class WithoutRawPayload : JsonConverter<RawPayload>
    {
        public override RawPayload Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, RawPayload value, JsonSerializerOptions options) => writer.WriteNullValue();
    }

    /// <summary>A write-only stream into SHA-256: a school's JSON (megabytes) is hashed as it is written, never held.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Digest() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
