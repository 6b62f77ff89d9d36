#include "apps/common/host_player.h"

#include <spdlog/spdlog.h>

#include "game/grenade_controller.h"
#include "game/types.h"

namespace app {

HostPlayer::HostPlayer(ferrum::NetManager& server, std::optional<uint32_t> botSeed) : m_net(server) {
  if (botSeed) m_bot = std::make_unique<game::BotBrain>(*botSeed);
  ferrum::SpawnState s;
  // Slot 0's spot on the ring clients spawn around (game::LocalPlayer uses the same rule).
  s.transform.position = {8.0f, game::kPlayerHalfHeight + game::kPlayerRadius + 0.05f, 0};
  s.variant = ferrum::kServerPeer; // colour of slot 0
  m_id = m_net.spawn(game::kPlayerType, s);
  if (m_id.isNull()) spdlog::error("listen server: could not spawn the host's player");
  m_net.onTick = [this](uint32_t) { onTick(); };
}

void HostPlayer::onTick() {
  ferrum::Entity* self = m_net.group().find(m_id);
  if (!self) return;
  auto& controller = static_cast<game::PlayerController&>(self->controller());
  controller.setInput(m_bot ? m_bot->think(*self, m_net.group()) : m_input);
  ferrum::Vec3 aim;
  if (m_bot && m_bot->wantsThrow(aim)) throwGrenade(aim);
}

bool HostPlayer::throwGrenade(ferrum::Vec3 direction) { return m_thrower.tryThrow(m_net, m_id, direction); }

} // namespace app
