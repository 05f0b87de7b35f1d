package io.punctual.bench.headline;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stand-in for a Letta server at full speed: a Netty HTTP server answering every request at once with one
 * Letta Run (so a {@code messages/async} call is delivered and a key check passes), recording when each message
 * call arrived, for which agent and with which {@code Idempotency-Key}. A look-up of a run ({@code GET /v1/runs/…},
 * the executor following the run it started) is answered with that run, completed, so each run ends at its
 * first look-up and a benchmark's followed runs cost one request each.
 */
final class RunEndpoint implements AutoCloseable {
    static final String RUN_JSON = "{\"id\":\"run-bench\",\"agent_id\":\"agent-bench\",\"status\":\"created\","
            + "\"created_at\":\"2026-01-01T00:00:00Z\",\"completed_at\":null,\"stop_reason\":null,\"callback_url\":null,\"metadata\":{}}";
    static final String RUN_DONE_JSON = RUN_JSON.replace("\"status\":\"created\"", "\"status\":\"completed\"")
            .replace("\"completed_at\":null", "\"completed_at\":\"2026-01-01T00:00:01Z\"");
    private static final String AGENTS = "/v1/agents/";
    private static final String RUNS = "/v1/runs/";

    /** One message call as it arrived. */
    record Arrival(String agentId, String idempotencyKey, long epochMicros) {
    }

    private final ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(RUN_JSON.getBytes(StandardCharsets.UTF_8)));
    private final ByteBuf doneBody = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(RUN_DONE_JSON.getBytes(StandardCharsets.UTF_8)));
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    // When each run look-up arrived: the burst row counts the requests a fire costs the endpoint, not only its message.
    private final ConcurrentLinkedQueue<Long> lookups = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong runIds = new AtomicLong();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers;
    private final Channel channel;

    RunEndpoint(int threads) throws InterruptedException {
        workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Answer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Every request answered so far (message calls, key checks, anything). */
    long requests() {
        return requests.get();
    }

    /** The message calls recorded since the last {@link #reset()}. */
    List<Arrival> arrivals() {
        return new ArrayList<>(arrivals);
    }

    int arrivalCount() {
        return arrivals.size();
    }

    /** Run look-ups ({@code GET /v1/runs/…}) that arrived from {@code fromMicros} to {@code toMicros}, since the last {@link #reset()}. */
    long lookupsBetween(long fromMicros, long toMicros) {
        return lookups.stream().filter(at -> at >= fromMicros && at <= toMicros).count();
    }

    void reset() {
        arrivals.clear();
        lookups.clear();
    }

    /**
     * A message call gets a run of its own id (as Letta gives: the executor follows runs by id, and one id for every
     * run made the one-run-per-agent gate wait for runs whose end it had already seen); a run look-up gets that run,
     * completed; anything else (a key check) the fixed run.
     */
    private ByteBuf answer(HttpMethod method, String uri) {
        if (method == HttpMethod.GET && uri.startsWith(RUNS)) {
            String id = uri.substring(RUNS.length());
            return id.isEmpty() ? doneBody.duplicate() : Unpooled.wrappedBuffer(RUN_DONE_JSON.replace("run-bench", id).getBytes(StandardCharsets.UTF_8));
        }
        if (method == HttpMethod.POST && uri.startsWith(AGENTS)) {
            return Unpooled.wrappedBuffer(RUN_JSON.replace("run-bench", "run-" + runIds.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        }
        return body.duplicate();
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            long at = WallClock.micros();
            requests.incrementAndGet();
            String uri = request.uri();
            if (request.method() == HttpMethod.POST && uri.startsWith(AGENTS)) {
                int end = uri.indexOf('/', AGENTS.length());
                String agent = uri.substring(AGENTS.length(), end < 0 ? uri.length() : end);
                arrivals.add(new Arrival(agent, request.headers().get("Idempotency-Key"), at));
            } else if (request.method() == HttpMethod.GET && uri.startsWith(RUNS)) {
                lookups.add(at);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            ByteBuf answer = answer(request.method(), uri);
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, answer);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.readableBytes());
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully();
        workers.shutdownGracefully();
    }
}
