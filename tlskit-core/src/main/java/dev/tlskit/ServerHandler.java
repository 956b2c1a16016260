package dev.tlskit;

import java.io.IOException;

/**
 * Serves one accepted connection, on its own virtual thread. The server closes the connection when the handler
 * returns or throws; an {@link IOException} from the handler is logged, not rethrown.
 */
@FunctionalInterface
public interface ServerHandler {
  void handle(ServerConnection connection) throws IOException;
}
