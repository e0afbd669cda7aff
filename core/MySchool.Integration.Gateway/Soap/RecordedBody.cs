using System.Buffers;

namespace MySchool.Integration.Gateway.Soap;

/// <summary>
/// The request body read once by <see cref="SoapGuard"/> and kept in memory for SoapCore. ASP.NET's request buffering
/// did the same at about 20 ms of CPU more per refused megabyte-sized body, which the guard's bound could not afford;
/// the bytes are kept in pooled arrays, because a growing array of its own per call is garbage-collected expensively.
/// </summary>
internal sealed class RecordedBody(Stream source, long? contentLength) : Stream
{
    private byte[] _recorded = ArrayPool<byte>.Shared.Rent((int)Math.Min(contentLength ?? 16 * 1024, SoapHosting.MaxRequestBytes));
    private int _length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        Keep(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The request body is read asynchronously.");

    /// <summary>The whole body from its start: what was read so far, then the rest of the source.</summary>
    public async Task<Stream> ReplayAsync(CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                Keep(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return new MemoryStream(_recorded, 0, _length, writable: false);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _recorded.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_recorded.Length * 2, _length + bytes.Length));
            _recorded.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_recorded);
            _recorded = larger;
        }

        bytes.CopyTo(_recorded.AsSpan(_length));
        _length += bytes.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _recorded, []) is { Length: > 0 } kept)
        {
            ArrayPool<byte>.Shared.Return(kept);
        }

        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
