<?php
// Removing the plugin removes its settings, the identity secret with them.
if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}
delete_option('parley_chat_settings');
